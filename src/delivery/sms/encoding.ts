import { withShortLinkLengths } from './links.js';

/**
 * SMS length and encoding (GSM 03.38 default alphabet or UCS-2) and the split
 * into concatenated parts. Pure (no Node-only imports): the web app's live
 * counter uses it too.
 */

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsParts {
  /** Units counted against the limits: septets for GSM (extension characters count 2), UTF-16 code units for UCS-2. */
  characters: number;
  encoding: SmsEncoding;
  parts: number;
  /** Units one part holds: 160/153 (GSM) or 70/67 (UCS-2), the smaller once the message is concatenated (UDH). */
  perPart: number;
}

// GSM 03.38 default alphabet: the character at index n has septet value n (0x1B is the escape to the extension table).
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 };
const ESCAPE = 0x1b;

// Septet by UTF-16 code unit, up to € (U+20AC), the highest character of the alphabet: -1 outside it,
// EXTENDED + value for extension characters (escape + value, 2 septets). A table, not a Map: this runs per character.
const EXTENDED = 0x100;
const SEPTETS = new Int16Array(0x20ad).fill(-1);
for (let i = 0; i < BASIC.length; i++) if (i !== ESCAPE) SEPTETS[BASIC.charCodeAt(i)] = i;
for (const [char, value] of Object.entries(EXTENSION)) SEPTETS[char.charCodeAt(0)] = EXTENDED + value;
const septetOf = (unit: number) => (unit < SEPTETS.length ? SEPTETS[unit]! : -1);

const LIMITS = { gsm7: { single: 160, concatenated: 153 }, ucs2: { single: 70, concatenated: 67 } } as const;

/** Septets of a GSM text (extension characters count 2); undefined when a character is outside the alphabet. */
function gsmSeptets(text: string): number | undefined {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const septet = septetOf(text.charCodeAt(i));
    if (septet < 0) return undefined;
    septets += septet >= EXTENDED ? 2 : 1;
  }
  return septets;
}

/**
 * The text cut into the parts it will travel in. A part never ends inside an
 * escape sequence (GSM extension character) or a surrogate pair (UCS-2), so
 * such a part holds one unit less than the limit.
 */
export function splitSms(text: string): { encoding: SmsEncoding; characters: number; parts: string[] } {
  const septets = gsmSeptets(text);
  const encoding: SmsEncoding = septets === undefined ? 'ucs2' : 'gsm7';
  // Code points: a GSM extension character costs 2 septets, an astral UCS-2 character 2 code units.
  const cost = (char: string) => (encoding === 'gsm7' ? (char in EXTENSION ? 2 : 1) : char.length);
  const characters = septets ?? text.length;
  const limits = LIMITS[encoding];
  if (characters <= limits.single) return { encoding, characters, parts: [text] };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const char of text) {
    const units = cost(char);
    if (used + units > limits.concatenated) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += units;
  }
  parts.push(current);
  return { encoding, characters, parts };
}

/** Characters, encoding and parts of an SMS; with publicUrl, links count at the length of their short link. */
export function smsParts(text: string, options: { publicUrl?: string } = {}): SmsParts {
  const sent = options.publicUrl === undefined ? text : withShortLinkLengths(text, options.publicUrl);
  const { encoding, characters, parts } = splitSms(sent);
  const limits = LIMITS[encoding];
  return { characters, encoding, parts: parts.length, perPart: parts.length > 1 ? limits.concatenated : limits.single };
}

/**
 * GSM 03.38 septets, one per octet: what SMPP carries with data_coding 0 (the
 * SMSC packs them 8-in-7 on the radio side). Characters outside the alphabet
 * never reach here: such texts are sent as UCS-2.
 */
export function encodeGsm7(text: string): Uint8Array {
  const septets = new Uint8Array(text.length * 2);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const septet = septetOf(text.charCodeAt(i));
    if (septet < 0) throw new RangeError(`"${text[i]}" is not in the GSM 03.38 alphabet`);
    if (septet >= EXTENDED) {
      septets[length++] = ESCAPE;
      septets[length++] = septet - EXTENDED;
    } else {
      septets[length++] = septet;
    }
  }
  return septets.subarray(0, length);
}

/** UTF-16 big-endian code units: what SMPP carries with data_coding 8. */
export function encodeUcs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}
