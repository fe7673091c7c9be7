import { Parser } from 'htmlparser2';

/**
 * Link discovery for tracking: which links of an HTML template are rewritten,
 * numbered once per campaign. Markers (\u0001…\u0001) stand where a per-recipient
 * URL goes; the renderer fills them after Liquid ran (see email.ts).
 */

export const MARK = '\u0001';
export const clickMarker = (position: number) => `${MARK}c${position}${MARK}`;

/** Tracked: absolute http(s) links without Liquid in them and not marked data-track="false". */
function isTracked(href: string, attributes: Record<string, string>): boolean {
  if (attributes['data-track']?.trim().toLowerCase() === 'false') return false;
  return /^https?:\/\/[^\s]+$/i.test(href) && !/\{\{|\{%/.test(href);
}

const HREF = /(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)/i;

/**
 * Numbers links by first appearance; the same URL is one link wherever it appears. Positions start at
 * `first`: an A/B campaign numbers each variant's links after the previous variant's.
 */
export class LinkTable {
  readonly urls: string[] = [];
  constructor(readonly first = 1) {}
  position(url: string): number {
    let index = this.urls.indexOf(url);
    if (index < 0) index = this.urls.push(url) - 1;
    return index + this.first;
  }
}

/** Rewrites the href of every tracked <a>/<area> into its click marker. */
export function markHtmlLinks(html: string, links: LinkTable): string {
  const edits: TextEdit[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'a' && name !== 'area') return;
        const href = attributes.href?.trim();
        if (href === undefined || !isTracked(href, attributes)) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        const tag = html.slice(start, end).replace(HREF, (_, before: string) => `${before}"${clickMarker(links.position(href))}"`);
        edits.push({ start, end, text: tag });
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return applyEdits(html, edits);
}

/** A replacement of text[start, end). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The text with each edit applied; edits come in order and do not overlap (as a parser reports tags). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

const TEXT_URL = /https?:\/\/[^\s<>"'`\u0001]+[^\s<>"'`\u0001.,;:!?)\]]/gi;

/** Rewrites bare URLs of a text part (its own text, or one written by the marketer). */
export function markTextLinks(text: string, links: LinkTable): string {
  return text.replace(TEXT_URL, (url, offset: number) => {
    const before = text.slice(Math.max(0, offset - 3), offset);
    // Inside a Liquid expression, or already a marker: leave it.
    if (/\{\{|\{%/.test(url) || /\{\{\s*$/.test(before)) return url;
    return clickMarker(links.position(url));
  });
}
