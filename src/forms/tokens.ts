import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The two signed values forms use (HMAC-SHA256 with the instance secret, each with its
 * own purpose inside the MAC, so that neither can stand for the other):
 * - the render time the hosted page carries in a hidden field, so that a post can tell how
 *   long its visitor took to fill the form (bots post at once);
 * - the confirmation link's token, `<signup id>.<expires at ms>.<mac>`, rejected when forged
 *   or expired without a database lookup.
 */

const mac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The render time of form `formId` at `at`: `<at ms>.<mac>`. */
export const renderTimeToken = (secret: Buffer, formId: number, at: number) => `${at}.${mac(secret, `form-render.${formId}.${at}`)}`;

/**
 * The embed snippet's stand-in for a render time: a page on another site has no way to
 * get one without a script, so its posts are judged by the honeypot and the rate limits.
 */
export const embedToken = (secret: Buffer, formId: number) => `embed.${mac(secret, `form-embed.${formId}`)}`;

export type FillTime = { kind: 'rendered'; at: number } | { kind: 'embed' };

/** What a posted `_t` says; undefined for a missing, malformed or forged one (treated as a bot). */
export function readFillTime(secret: Buffer, formId: number, token: unknown): FillTime | undefined {
  if (typeof token !== 'string' || token.length > 100) return undefined;
  const embed = /^embed\.([\w-]{43})$/.exec(token);
  if (embed) return sameMac(embed[1]!, mac(secret, `form-embed.${formId}`)) ? { kind: 'embed' } : undefined;
  const rendered = /^(\d{1,15})\.([\w-]{43})$/.exec(token);
  if (!rendered) return undefined;
  const at = Number(rendered[1]);
  return sameMac(rendered[2]!, mac(secret, `form-render.${formId}.${at}`)) ? { kind: 'rendered', at } : undefined;
}

export const CONFIRMATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export const confirmationToken = (secret: Buffer, signupId: number, expiresAt: number) =>
  `${signupId}.${expiresAt}.${mac(secret, `form-confirm.${signupId}.${expiresAt}`)}`;

/** The sign-up a confirmation token names and when it stops working; undefined when it is not one we signed. */
export function readConfirmationToken(secret: Buffer, token: string): { signupId: number; expiresAt: number } | undefined {
  const match = /^([1-9]\d{0,15})\.(\d{1,15})\.([\w-]{43})$/.exec(token);
  if (!match) return undefined;
  const [signupId, expiresAt] = [Number(match[1]), Number(match[2])];
  return sameMac(match[3]!, mac(secret, `form-confirm.${signupId}.${expiresAt}`)) ? { signupId, expiresAt } : undefined;
}
