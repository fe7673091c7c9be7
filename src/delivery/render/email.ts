import { convert } from 'html-to-text';
import type { CampaignRow } from '../../db/schema.js';
import type { Signer } from '../../tracking/tokens.js';
import type { Recipient, RenderedEmail } from '../channel.js';
import { htmlLiquid, mergeData, parseTemplate, plainLiquid, type Parsed } from './liquid.js';
import { LinkTable, MARK, markHtmlLinks, markTextLinks } from './links.js';
import { checkedName, checkedUrl, guardUrls } from './urls.js';

/**
 * An email campaign compiled once: links found and numbered, Liquid parsed,
 * markers standing where per-recipient URLs go. Rendering a recipient is one
 * Liquid pass per part and one marker pass that signs tokens with one HMAC.
 */
export interface EmailTemplate {
  subject: Parsed;
  html: Parsed;
  /** Undefined when the text generated from the HTML is not valid Liquid: it is then converted per recipient. */
  text: Parsed | undefined;
  /** True when the HTML (and so its generated text) has URL or name guards to check per recipient (see urls.ts). */
  guarded: boolean;
  /** Tracked links by position (1..n, or from the firstPosition asked for), then the honeypot. */
  links: Array<{ position: number; url: string; kind: 'link' | 'honeypot' }>;
}

const UNSUBSCRIBE = `${MARK}u${MARK}`;
const VIEW_ONLINE = `${MARK}v${MARK}`;
const PIXEL = `${MARK}o${MARK}`;
const HONEYPOT = `${MARK}h${MARK}`;
const MARKER = /\u0001([couvh])(\d*)\u0001/g;
// One pass per part: tracking markers, guarded URLs and attribute names (see urls.ts), and any stray guard.
const MARKER_OR_GUARD = /\u0001([couvh])(\d*)\u0001|\u0002([^\u0002-\u0005]*)\u0003|\u0004([^\u0002-\u0005]*)\u0005|[\u0002-\u0005]/g;

const HAS_UNSUBSCRIBE = /\{\{-?\s*unsubscribe_url\b/;

const FOOTER =
  '<p style="margin:24px 0 0;font:12px/1.5 Arial,sans-serif;color:#6b7280;text-align:center">' +
  'You receive this email because you subscribed to our messages. ' +
  '<a href="{{ unsubscribe_url }}" style="color:#6b7280">Unsubscribe</a></p>';

/** Invisible to people (no text, hidden, not focusable); followed only by machines that follow every link. */
const HONEYPOT_LINK =
  `<a href="${HONEYPOT}" aria-hidden="true" tabindex="-1" ` +
  'style="display:none;font-size:0;line-height:0;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all"></a>';

const PIXEL_IMAGE = `<img src="${PIXEL}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;

const hiddenPreheader = (preheader: string) =>
  '<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all">' +
  `${preheader}</div>`;

/** Puts `fragment` right after <body …> (or first), or right before </body> (or last). */
function insertInBody(html: string, fragment: string, where: 'start' | 'end'): string {
  if (where === 'start') {
    const open = /<body\b[^>]*>/i.exec(html);
    return open ? html.slice(0, open.index + open[0].length) + fragment + html.slice(open.index + open[0].length) : fragment + html;
  }
  const close = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return close >= 0 ? html.slice(0, close) + fragment + html.slice(close) : html + fragment;
}

const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'a[aria-hidden=true]', format: 'skip' },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable' },
    // Layout tables (the designer's, most newsletters'): their cells are blocks of text, not columns of data.
    { selector: 'table[role=presentation]', format: 'block' },
  ],
};

// Markers are ours alone: a template cannot contain one (nor any other control character).
const withoutMarks = (source: string) => source.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

/** `firstPosition`: where this template's link positions start (an A/B variant's follow the previous variant's). */
export function compileEmailTemplate(
  campaign: Pick<CampaignRow, 'subject' | 'preheader' | 'html' | 'text'>,
  options: { track: boolean; firstPosition?: number },
): EmailTemplate {
  const first = options.firstPosition ?? 1;
  const links = new LinkTable(first);
  let html = guardUrls(withoutMarks(campaign.html ?? ''));
  if (options.track) html = markHtmlLinks(html, links);
  if (!HAS_UNSUBSCRIBE.test(html)) html = insertInBody(html, FOOTER, 'end');

  // Generated from the HTML, the text already carries its markers (and keeps data-track="false" links as they are);
  // a text written by the marketer gets its bare URLs tracked.
  let text = campaign.text ? withoutMarks(campaign.text) : convert(html, TEXT_OPTIONS);
  if (options.track && campaign.text) text = markTextLinks(text, links);
  if (!HAS_UNSUBSCRIBE.test(text)) text += '\n\nUnsubscribe: {{ unsubscribe_url }}';

  const preheader = campaign.preheader ? guardUrls(hiddenPreheader(withoutMarks(campaign.preheader))) : '';
  html = insertInBody(html, preheader + (options.track ? HONEYPOT_LINK : ''), 'start');
  if (options.track) html = insertInBody(html, PIXEL_IMAGE, 'end');

  const tracked = links.urls.map((url, i) => ({ position: i + first, url, kind: 'link' as const }));
  return {
    subject: parseTemplate(plainLiquid, withoutMarks(campaign.subject ?? ''), '$.subject'),
    html: parseTemplate(htmlLiquid, html, '$.html'),
    text: campaign.text ? parseTemplate(plainLiquid, text, '$.text') : generatedText(text),
    guarded: /[\u0002-\u0005]/.test(html),
    links: options.track ? [...tracked, { position: tracked.length + first, url: '', kind: 'honeypot' }] : tracked,
  };
}

/** html-to-text may reshape Liquid it was never meant to read; then the text is made from each rendered HTML instead. */
function generatedText(text: string): Parsed | undefined {
  try {
    return plainLiquid.parse(text);
  } catch {
    return undefined;
  }
}

/** What Liquid sees: the contact (its own properties only) and the special URLs. */
function scopeOf(recipient: Pick<Recipient, 'email' | 'phone' | 'firstName' | 'lastName' | 'fields' | 'contactId'>, campaignName: string) {
  return {
    contact: mergeData({
      id: recipient.contactId,
      email: recipient.email,
      phone: recipient.phone,
      firstName: recipient.firstName,
      lastName: recipient.lastName,
      fields: recipient.fields,
    }),
    campaign: { name: mergeData(campaignName) },
    unsubscribe_url: UNSUBSCRIBE,
    view_online_url: VIEW_ONLINE,
  };
}

/** The URLs that markers stand for, for one recipient. */
export interface Urls {
  click(position: number): string;
  honeypot(): string;
  open(): string;
  unsubscribe(): string;
  view(): string;
}

/** A copy nobody's reading may record: test sends and previews (links stay as written, there is no pixel). */
export const UNTRACKED: Urls = { click: () => '#', honeypot: () => '#', open: () => '', unsubscribe: () => '#', view: () => '#' };

/** Tracked URLs: one signer (one HMAC) per recipient; anonymous open and click tokens for contacts without tracking consent. */
export function trackedUrls(publicUrl: string, personal: Signer, anonymous: Signer | undefined, honeypotPosition: number): Urls {
  const tracking = anonymous ?? personal;
  return {
    click: (position) => `${publicUrl}/t/c/${tracking.token('click', position)}`,
    honeypot: () => `${publicUrl}/t/c/${tracking.token('click', honeypotPosition)}`,
    open: () => `${publicUrl}/t/o/${tracking.token('open')}`,
    unsubscribe: () => `${publicUrl}/u/${personal.token('unsubscribe')}`,
    view: () => `${publicUrl}/v/${personal.token('view')}`,
  };
}

function fill(rendered: string, urls: Urls, guarded = false): string {
  if (!guarded) return fillMarkers(rendered, urls);
  return rendered.replace(MARKER_OR_GUARD, (_, kind?: string, position?: string, url?: string, name?: string) => {
    if (url !== undefined) return fillMarkers(checkedUrl(url), urls);
    if (name !== undefined) return checkedName(name);
    return kind === undefined ? '' : marker(kind, position!, urls);
  });
}

const fillMarkers = (text: string, urls: Urls) => text.replace(MARKER, (_, kind: string, position: string) => marker(kind, position, urls));

function marker(kind: string, position: string, urls: Urls): string {
  switch (kind) {
    case 'c':
      return urls.click(Number(position));
    case 'o':
      return urls.open();
    case 'u':
      return urls.unsubscribe();
    case 'v':
      return urls.view();
    default:
      return urls.honeypot();
  }
}

export interface RenderInput {
  recipient: Pick<Recipient, 'messageId' | 'email' | 'phone' | 'firstName' | 'lastName' | 'fields' | 'contactId'>;
  to: string;
  urls: Urls;
}

export function renderEmail(template: EmailTemplate, campaign: CampaignRow, input: RenderInput): RenderedEmail {
  const scope = scopeOf(input.recipient, campaign.name);
  const subject = fill(plainLiquid.renderSync(template.subject, scope), input.urls).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const html = fill(htmlLiquid.renderSync(template.html, scope), input.urls, template.guarded);
  const unsubscribe = input.urls.unsubscribe();
  return {
    kind: 'email',
    workspaceId: campaign.workspace_id,
    messageId: input.recipient.messageId,
    to: input.to,
    from: { name: campaign.from_name, address: campaign.from_email ?? '' },
    replyTo: campaign.reply_to,
    subject,
    html,
    text: template.text ? fill(plainLiquid.renderSync(template.text, scope), input.urls, template.guarded) : convert(html, TEXT_OPTIONS),
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

