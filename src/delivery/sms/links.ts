/**
 * Links inside an SMS body. Pure (no Node-only imports): the web app's live
 * counter uses it too.
 */

/** Characters of a short link's code (base62): 62^8 ≈ 2·10^14, so millions of live codes stay unguessable. */
export const SHORT_CODE_LENGTH = 8;

// http(s) up to the next space or quote; trailing punctuation belongs to the sentence, not the link.
const LINK = /https?:\/\/[^\s<>"']+/g;
// A link built with merge tags differs per recipient: it is sent as written, not shortened.
const LIQUID = /\{\{|\{%/;
const TRAILING = /[.,;:!?)\]]+$/;

export interface FoundLink {
  url: string;
  start: number;
  end: number;
}

export function findLinks(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(TRAILING, '');
    if (url.length > 'https://'.length && !LIQUID.test(url)) links.push({ url, start: match.index!, end: match.index! + url.length });
  }
  return links;
}

/** The text as it will be sent, as far as length goes: every link replaced by a short link of the same length. */
export function withShortLinkLengths(text: string, publicUrl: string): string {
  const placeholder = `${publicUrl.replace(/\/+$/, '')}/s/${'x'.repeat(SHORT_CODE_LENGTH)}`;
  let result = '';
  let from = 0;
  for (const link of findLinks(text)) {
    result += text.slice(from, link.start) + placeholder;
    from = link.end;
  }
  return result + text.slice(from);
}
