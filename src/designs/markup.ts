import { Parser } from 'htmlparser2';

/**
 * The markup a block contributes to the compiled email, written here and never by MJML:
 * escaped text, attributes, and the HTML of text and html blocks re-serialised from a parse
 * (known tags only for text, balanced tags for both). Merge tags (`{{ … }}`, `{% … %}`) come
 * out exactly as written so that the sending pipeline renders them per recipient.
 */

const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
/** Stands for one merge tag while the HTML around it is parsed. */
const PLACEHOLDER = '\u0006';
const PLACEHOLDERS = /\u0006(\d+)\u0006/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Splits `source` into text and merge tags; `each` escapes the text between them. */
function mapOutsideLiquid(source: string, each: (text: string) => string): string {
  let out = '';
  let at = 0;
  for (const match of source.matchAll(LIQUID)) {
    out += each(source.slice(at, match.index)) + match[0];
    at = match.index + match[0].length;
  }
  return out + each(source.slice(at));
}

/** Plain text (a heading, a label, a footer line): escaped for HTML except inside merge tags. */
export function text(source: string): string {
  return mapOutsideLiquid(source.replace(CONTROLS, ''), escapeText);
}

/**
 * ` name="value"`, escaped except inside merge tags. A merge tag that quotes with " (`default: "x"`)
 * gets the attribute in single quotes, so that the compiled HTML stays well formed before the merge too.
 */
export function attribute(name: string, value: string): string {
  return ` ${name}=${quoted(value)}`;
}

/** An attribute's value with its quotes, as attribute() writes it. */
export function quoted(value: string): string {
  const clean = value.replace(CONTROLS, '');
  const liquid = clean.match(LIQUID) ?? [];
  const quote = liquid.some((tag) => tag.includes('"')) && !liquid.some((tag) => tag.includes("'")) ? "'" : '"';
  return `${quote}${mapOutsideLiquid(clean, escapeAttribute)}${quote}`;
}

// Entities that a rich-text editor writes inside a merge tag it does not know about (`default: &quot;there&quot;`).
const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>', nbsp: ' ' };
function decodeEntities(source: string): string {
  return source.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(quot|apos|amp|lt|gt|nbsp));/gi, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name) return ENTITIES[name.toLowerCase()]!;
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

export interface HtmlPolicy {
  /** Tags kept (with their attributes as `attributes` allows); others are dropped and their content kept. */
  tag(name: string): boolean;
  attribute(tag: string, name: string): boolean;
  /** Extra attributes for a kept tag (a link's colour), written when the source did not set them. */
  extra?(tag: string): Record<string, string> | undefined;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Dropped with everything inside them. */
const DROPPED = new Set(['script', 'noscript', 'template', 'iframe', 'object', 'embed', 'frame', 'frameset', 'applet', 'title', 'head', 'base', 'meta', 'link']);
const ATTRIBUTE_NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;

/**
 * HTML written by a user, re-serialised: tags balanced (a stray `</td>` or `</mj-text>` is dropped,
 * what is left open is closed), comments and scripts removed, text and attributes escaped. Whatever
 * it holds, it cannot close or open anything around the block it sits in.
 */
export function html(source: string, policy: HtmlPolicy): string {
  const tags: string[] = [];
  const clean = source.replace(CONTROLS, '').replace(LIQUID, (tag) => {
    tags.push(decodeEntities(tag));
    return `${PLACEHOLDER}${tags.length - 1}${PLACEHOLDER}`;
  });
  // Merge tags come back as written: raw in text, through attribute() in values; in a tag or attribute name they are dropped.
  const restoreText = (value: string) => escapeText(value).replace(PLACEHOLDERS, (_, i: string) => tags[Number(i)]!);
  const restoreValue = (value: string) => value.replace(PLACEHOLDERS, (_, i: string) => tags[Number(i)]!);

  let out = '';
  const open: string[] = [];
  let dropping = 0;
  let styleText = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (dropping || DROPPED.has(name) || (name === 'style' && !policy.tag(name))) {
          if (!VOID.has(name)) dropping++;
          return;
        }
        if (!policy.tag(name) || !/^[a-z][a-z0-9]*$/.test(name)) return;
        const kept = Object.entries(attributes).filter(
          ([key]) => ATTRIBUTE_NAME.test(key) && !/^on/i.test(key) && key !== 'srcdoc' && policy.attribute(name, key),
        );
        let tag = `<${name}`;
        for (const [key, value] of kept) tag += attribute(key, restoreValue(value));
        for (const [key, value] of Object.entries(policy.extra?.(name) ?? {})) {
          if (!kept.some(([k]) => k === key)) tag += attribute(key, value);
        }
        out += `${tag}>`;
        if (!VOID.has(name)) open.push(name);
        styleText = name === 'style';
      },
      onclosetag(name) {
        // htmlparser2 reports every element closed once, implied or not.
        if (dropping) {
          if (!VOID.has(name)) dropping--;
          return;
        }
        styleText = false;
        const index = open.lastIndexOf(name);
        if (index < 0) return;
        while (open.length > index) out += `</${open.pop()}>`;
      },
      ontext(data) {
        if (dropping) return;
        // A style sheet is not escaped (selectors use >), so it may not hold a tag.
        out += styleText ? restoreValue(data).replace(/</g, '') : restoreText(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.end(clean);
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

/** Rich text from the editor: paragraphs, emphasis, links and lists. */
export const richText = (linkColor: string): HtmlPolicy => {
  const tags = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'a', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'blockquote', 'code', 'pre', 'span', 'sub', 'sup', 'hr']);
  const linkAttributes = new Set(['href', 'title', 'target', 'rel', 'data-track']);
  return {
    tag: (name) => tags.has(name),
    attribute: (tag, name) => tag === 'a' && linkAttributes.has(name),
    // Inline, as mail clients that drop the style sheet still show these.
    extra: (tag) => {
      if (tag === 'a') return { style: `color:${linkColor}` };
      if (tag === 'p') return { style: 'margin:0 0 12px' };
      if (tag === 'ul' || tag === 'ol') return { style: 'margin:0 0 12px;padding-left:24px' };
      return undefined;
    },
  };
};

/** The html block: any HTML except scripts, frames, event handlers and document-level tags. */
export const rawHtml: HtmlPolicy = {
  tag: (name) => !['html', 'body', 'form', 'input', 'button', 'select', 'textarea', 'option'].includes(name),
  attribute: () => true,
};
