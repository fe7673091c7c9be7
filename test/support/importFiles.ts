/** CSV files as other tools write them, byte for byte where the bytes matter. */

/** Mailchimp's audience export: quoted headers, its own columns after the phone, national and international numbers. */
export const MAILCHIMP = [
  '"Email Address","First Name","Last Name","Address","Phone Number","Birthday","MEMBER_RATING","OPTIN_TIME","CONFIRM_TIME","LEID","EUID","TAGS"',
  '"marie.curie@example.fr","Marie","Curie","","06 12 34 56 78","11/07","2","2024-01-05 10:00:00","2024-01-05 10:01:00","123","a1b2c3",""',
  '"john.smith@example.co.uk","John","Smith","","+44 7700 900123","","2","2024-01-05 10:00:00","2024-01-05 10:01:00","124","a1b2c4","VIP"',
].join('\r\n');

/** Brevo's contact export: upper-case attributes, the mobile number in SMS. */
export const BREVO = ['CONTACT ID;EMAIL;FIRSTNAME;LASTNAME;SMS;DOUBLE_OPT-IN;ADDED_TIME', '17;paul.brevo@example.fr;Paul;Martin;33612340003;Yes;2024-02-01'].join('\n');

/** HubSpot's contact export: a phone and a mobile, and a header a field name cannot hold as written. */
export const HUBSPOT = [
  '"Record ID","First Name","Last Name","Email","Phone Number","Mobile Phone Number","Associated Company IDs (Primary)"',
  '"901","Ada","Hub","ada.hub@example.com","+33 1 42 00 00 01","+33 6 12 34 00 04","5501"',
].join('\n');

/** Excel's English "CSV UTF-8" with its byte-order mark, Outlook's column names. */
export const EXCEL_UTF8 = Buffer.concat([
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from('E-mail Address,First Name,Last Name,Mobile Phone\r\nzoe.excel@example.com,Zoë,Ängström,+33 6 12 34 00 05\r\n', 'utf8'),
]);

/**
 * Excel in French, "CSV (séparateur : point-virgule)": Windows-1252, semicolons, CRLF.
 * L’Haÿ-les-Roses has a typographic apostrophe, 0x92 in Windows-1252 (not Latin-1).
 */
export const EXCEL_FRENCH = Buffer.concat([
  Buffer.from('Prénom;Nom;Email;Ville\r\nHélène;Dupré;helene.dupre@example.fr;Orléans\r\nFrançois;Lefèvre;francois.lefevre@example.fr;L', 'latin1'),
  Buffer.from([0x92]),
  Buffer.from('Haÿ-les-Roses\r\n', 'latin1'),
]);
