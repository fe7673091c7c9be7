import type { Recipient } from '../channel.js';
import { mergeData, parseTemplate, plainLiquid } from '../render/liquid.js';
import { findLinks } from './links.js';

/**
 * An SMS body compiled once: merge tags parsed by Liquid (plain text, nothing
 * escaped), links found and numbered, the STOP mention appended. Per
 * recipient only values and short links are filled in.
 */
export interface SmsTemplate {
  /** URLs of the body's links; position n (1-based) is links[n - 1]. The same URL twice is one link. */
  links: string[];
  /** The SMS for one recipient (null: an empty contact); shortUrl gives the short link standing for link `position`. */
  render(recipient: TemplateRecipient | null, shortUrl: (position: number) => string): string;
}

type TemplateRecipient = Pick<Recipient, 'contactId' | 'email' | 'phone' | 'firstName' | 'lastName' | 'fields'>;

// Links become markers before Liquid parses the body, markers become short links after rendering. Neither the
// body nor merge data (see mergeData) can carry a marker's characters.
const MARKER = /\uE000(\d+)\uE001/g;

/** True when the body already carries the STOP mention (case and spacing aside). */
function hasStopMention(body: string, stopText: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return squash(body).includes(squash(stopText));
}

/** Parses an SMS body; a Liquid error becomes a 400 naming $.body. */
export function parseSmsTemplate(body: string, options: { stopText: string; campaignName: string }): SmsTemplate {
  let source = body.replace(/[\uE000\uE001]/g, '').trimEnd();
  if (!hasStopMention(source, options.stopText)) source += `\n${options.stopText}`;
  const links: string[] = [];
  let marked = '';
  let from = 0;
  for (const link of findLinks(source)) {
    let position = links.indexOf(link.url) + 1;
    if (!position) position = links.push(link.url);
    marked += `${source.slice(from, link.start)}\uE000${position}\uE001`;
    from = link.end;
  }
  marked += source.slice(from);
  const template = parseTemplate(plainLiquid, marked, '$.body');
  const campaign = { name: mergeData(options.campaignName) };
  return {
    links,
    render(recipient, shortUrl) {
      const contact = recipient
        ? mergeData({ id: recipient.contactId, email: recipient.email, phone: recipient.phone, firstName: recipient.firstName, lastName: recipient.lastName, fields: recipient.fields })
        : { fields: {} };
      const text: string = plainLiquid.renderSync(template, { contact, campaign });
      return text.replace(MARKER, (_, position: string) => shortUrl(Number(position)));
    },
  };
}
