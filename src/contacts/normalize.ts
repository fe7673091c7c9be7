import { isSupportedCountry as knownCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the bounce handler's job.
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Trimmed, lower-cased email, or undefined when it is not an address. */
export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return undefined;
  return email;
}

/** E.164 phone number, or undefined when the number is not a valid one (of defaultCountry when it has no +). */
export function normalizePhone(raw: string, defaultCountry?: string): string | undefined {
  const text = raw.trim();
  if (!text || text.length > 40) return undefined;
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** A two-letter country code that phone numbers are known for (FR, GB, US…). */
export const isSupportedCountry = (code: string): boolean => /^[A-Z]{2}$/.test(code) && knownCountry(code);

/** Custom field names: letters, digits, spaces, dots, dashes and underscores; used as JSON keys. */
export const FIELD_NAME = /^[\p{L}\p{N}_][\p{L}\p{N} _.-]{0,63}$/u;
