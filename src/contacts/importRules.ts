/**
 * What the import page (in the browser) and the server read alike, so that the mapping
 * step shows exactly what the import will do: the encodings, Windows-1252's table, and
 * the header names of contact properties. Plain TypeScript without Node or server imports:
 * the web app bundles it.
 */

export const ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/**
 * Windows-1252 is Latin-1 except 0x80–0x9F, where it has €, curly quotes, œ, Š…
 * (Node's own decoder of that name reads them as Latin-1 control characters, so
 * "l’été" would lose its apostrophe).
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b));
    text += String.fromCharCode(...codes);
  }
  return text;
}

export type Property = 'email' | 'phone' | 'firstName' | 'lastName';

/**
 * Headers of contact properties as other tools write them, squashed (see squash), with a rank:
 * when several columns of one file name the same property (HubSpot's "Phone Number" and
 * "Mobile Phone Number"), the lowest rank gets it and the others become custom fields.
 * Mailchimp: Email Address, First Name, Last Name, Phone Number. Brevo: EMAIL, FIRSTNAME/PRENOM,
 * LASTNAME/NOM, SMS (its mobile number). HubSpot: Email, First Name, Last Name, Phone Number,
 * Mobile Phone Number. Excel and Outlook: E-mail, E-mail Address, Adresse e-mail, Prénom, Nom,
 * Mobile Phone, Téléphone, Portable.
 */
const STANDARD: Record<string, [Property, number]> = {
  email: ['email', 0],
  emailaddress: ['email', 0],
  adresseemail: ['email', 0],
  adressemail: ['email', 0],
  courriel: ['email', 0],
  adressecourriel: ['email', 0],
  mail: ['email', 1],
  email1: ['email', 1],
  email1address: ['email', 1],
  sms: ['phone', 0],
  mobile: ['phone', 0],
  mobilephone: ['phone', 0],
  mobilephonenumber: ['phone', 0],
  mobilenumber: ['phone', 0],
  cellphone: ['phone', 0],
  portable: ['phone', 0],
  telephoneportable: ['phone', 0],
  phone: ['phone', 1],
  phonenumber: ['phone', 1],
  telephone: ['phone', 1],
  tel: ['phone', 1],
  firstname: ['firstName', 0],
  givenname: ['firstName', 0],
  prenom: ['firstName', 0],
  lastname: ['lastName', 0],
  surname: ['lastName', 0],
  familyname: ['lastName', 0],
  nom: ['lastName', 0],
  nomdefamille: ['lastName', 0],
};

/** "First Name", "first_name", "FIRSTNAME", "E-mail" and "Prénom" all name the same thing. */
const squash = (header: string) =>
  header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');

/** The contact property a header names, with its rank, if any. */
export const standardTarget = (header: string): [Property, number] | undefined => STANDARD[squash(header)];

/**
 * A header as a custom field name: characters a field name cannot hold
 * ("Associated Company IDs (Primary)") become spaces, runs of spaces one.
 */
export function fieldNameOf(header: string): string {
  return header
    .replace(/[^\p{L}\p{N} _.-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[ .-]+/, '')
    .slice(0, 64)
    .trim();
}
