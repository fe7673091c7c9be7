import { Parser } from 'htmlparser2';
import { applyEdits, type TextEdit } from './links.js';

/**
 * Which URLs a message may carry: http(s), mailto, tel, cid, anchors and relative
 * paths, and data:image/ in an image source written in the template. Anything else
 * (javascript:, vbscript:, data:text/html…) becomes "#".
 *
 * A URL attribute written in the template is checked once, when the campaign
 * compiles. One that holds Liquid is known only per recipient: its value is
 * wrapped in guard markers and checked after the merge, in the same pass that
 * fills the tracking markers (see email.ts).
 */

/** Around a URL attribute's value that holds Liquid: checked after the merge. */
export const URL_GUARD = ['\u0002', '\u0003'] as const;
/** Around Liquid standing where an attribute name goes (`<a {{ … }}>`): only name characters survive, never `=`. */
export const NAME_GUARD = ['\u0004', '\u0005'] as const;
/** Stands for one Liquid tag or output while the HTML around it is parsed. */
const PLACEHOLDER = '\u0006';

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'background', 'poster', 'xlink:href']);
const IMAGE_ATTRIBUTES = new Set(['src', 'background', 'poster']);
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'cid']);

// The entities that can spell a scheme's colon or end it (others cannot form a scheme and leave it unsafe).
const NAMED: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', sol: '/', num: '#', quest: '?', period: '.', plus: '+', amp: '&' };
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(colon|tab|newline|sol|num|quest|period|plus);|(amp);?)/gi;

function decodeEntities(value: string): string {
  return value.replace(ENTITY, (entity, decimal?: string, hex?: string, named?: string, amp?: string) => {
    if (named || amp) return NAMED[(named ?? amp)!.toLowerCase()]!;
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/**
 * True when a browser or mail client would take `value` (as written in an attribute,
 * entities and all) for a harmless URL. Control characters and spaces are ignored as
 * browsers ignore them; any text before a colon that comes before / ? or # is a scheme.
 */
export function isSafeUrl(value: string, options: { image: boolean }): boolean {
  const url = decodeEntities(value).replace(/[\u0000-\u0020\u007f]+/g, '');
  const scheme = /^([^:/?#]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || SAFE_SCHEMES.has(scheme)) return true;
  return options.image && scheme === 'data' && /^data:image\//i.test(url);
}

/** A guarded value after the merge: itself when safe, "#" otherwise. */
export function checkedUrl(value: string): string {
  return isSafeUrl(value, { image: false }) ? value : '#';
}

/** A guarded attribute name after the merge: letters, digits, - _ : . and spaces only. */
export function checkedName(value: string): string {
  return value.replace(/[^\w\s:.-]/g, '');
}

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
// Ricochet's own URLs: a value made of them and text is checked once, at compile time, like text.
const OWN_URL = /^\{\{-?\s*(?:unsubscribe_url|view_online_url)\s*-?\}\}$/;
const PLACEHOLDERS = new RegExp(`${PLACEHOLDER}\\d+${PLACEHOLDER}`, 'g');
const HAS_PLACEHOLDER = new RegExp(`${PLACEHOLDER}\\d+${PLACEHOLDER}`);

/**
 * Compile-time pass over an HTML template: unsafe URLs written in it become "#",
 * URL attributes holding Liquid get guard markers (quoted if they were not), any
 * other unquoted attribute holding Liquid gets quotes (merge data then cannot add
 * attributes), and Liquid standing for an attribute name gets a name guard.
 * Liquid is masked while the HTML is parsed, so quotes inside it confuse nothing.
 */
export function guardUrls(html: string): string {
  const liquid: string[] = [];
  const masked = html.replace(LIQUID, (source) => `${PLACEHOLDER}${liquid.push(source) - 1}${PLACEHOLDER}`);
  const edits: TextEdit[] = [];
  let tag = '';
  const parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
      },
      onattribute() {
        const start = parser.startIndex;
        const end = parser.endIndex;
        const source = masked.slice(start, end);
        const guarded = guardAttribute(source, tag, liquid);
        if (guarded !== source) edits.push({ start, end, text: guarded });
      },
    },
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(masked);
  return applyEdits(masked, edits).replace(PLACEHOLDERS, (placeholder) => liquid[Number(placeholder.slice(1, -1))]!);
}

/** One attribute as written (`name`, `name=value`, `name="value"`), with Liquid masked. */
function guardAttribute(source: string, tag: string, liquid: string[]): string {
  const [, rawName = source, equals, rawValue] = /^([^\s=]+)(\s*=\s*)([\s\S]*)$/.exec(source) ?? [];
  const guardedName = rawName.replace(PLACEHOLDERS, (placeholder) => NAME_GUARD[0] + placeholder + NAME_GUARD[1]);
  if (equals === undefined || rawValue === undefined) return guardedName;

  const name = rawName.replace(PLACEHOLDERS, '').toLowerCase();
  const quote = rawValue[0] === '"' || rawValue[0] === "'" ? rawValue[0] : '';
  const inner = quote ? rawValue.slice(1, -1) : rawValue;
  const isUrl = URL_ATTRIBUTES.has(name) || (name === 'data' && tag === 'object');
  const ownUrls = isUrl ? inner.replace(PLACEHOLDERS, (placeholder) => (OWN_URL.test(liquid[Number(placeholder.slice(1, -1))]!) ? 'https://own.invalid/' : placeholder)) : inner;
  const dynamic = HAS_PLACEHOLDER.test(ownUrls);
  // Quoting a bare value: a quote in it is outside Liquid (masked), so it can be escaped.
  const q = quote || '"';
  const body = quote ? inner : inner.replaceAll('"', '&quot;');

  if (isUrl && dynamic) return `${guardedName}${equals}${q}${URL_GUARD[0]}${body}${URL_GUARD[1]}${q}`;
  if (isUrl && !isSafeUrl(ownUrls, { image: IMAGE_ATTRIBUTES.has(name) })) return `${guardedName}${equals}${q}#${q}`;
  if (dynamic && !quote) return `${guardedName}${equals}"${body}"`;
  return guardedName + equals + rawValue;
}
