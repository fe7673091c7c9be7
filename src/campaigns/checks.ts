import { Parser } from 'htmlparser2';
import { convert } from 'html-to-text';
import type { Liquid } from 'liquidjs';
import type { CampaignRow } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import { campaignVariants } from '../delivery/compile.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from '../delivery/render/email.js';
import { htmlLiquid, parseTemplate, plainLiquid } from '../delivery/render/liquid.js';
import { AppError } from '../http/errors.js';
import { signer } from '../tracking/tokens.js';
import { campaignRow } from './campaigns.js';
import type { CheckItem, CheckResult, VariantKey } from './schemas.js';

/**
 * Pre-send checks (SPEC §11): errors block a send (409 checks_failed), warnings do not.
 * A campaign is checked when it is sent or scheduled, not again when a scheduled one
 * starts (see docs/guard-and-checks.md). An A/B campaign is checked variant by variant.
 */

/** Gmail clips a message whose HTML is over 102 KB: the rest, the unsubscribe link included, hides behind "View entire message". */
const GMAIL_CLIP_BYTES = 102 * 1024;
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
/** What the renderers give a template besides the contact's own fields (src/delivery/render/email.ts, src/delivery/sms/template.ts). */
const CONTACT_FIELDS = new Set(['id', 'email', 'phone', 'firstName', 'lastName']);
const EMAIL_GLOBALS = new Set(['unsubscribe_url', 'view_online_url']);

export interface Content {
  variant?: VariantKey;
  subject: string | null;
  preheader: string | null;
  html: string | null;
  text: string | null;
  body: string | null;
}

/** The campaign's content, or each variant's, as the sender renders them (a variant's design is stored compiled). */
export function contents(ctx: WorkspaceContext, row: CampaignRow): Content[] {
  return campaignVariants(ctx.store.dialect, row).map(({ key, campaign }) => ({
    ...(key !== null && { variant: key as VariantKey }),
    subject: campaign.subject,
    preheader: campaign.preheader,
    html: campaign.html,
    text: campaign.text,
    body: campaign.body,
  }));
}

const blank = (value: string | null | undefined) => value == null || value.trim() === '';

/** "contact.fields.city" from Liquid's segments (["contact", "fields", "city"]); dynamic parts as [..]. */
const tagName = (segments: unknown[]): string =>
  segments.map((s, i) => (Array.isArray(s) ? `[${tagName(s)}]` : typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');

/** A merge tag names something the renderer provides: a contact field, one of the workspace's custom fields, the campaign's name, a special URL. */
function knownTag(segments: unknown[], fields: Set<string>, email: boolean): boolean {
  const [root, second, third] = segments;
  if (root === 'contact') {
    if (second === undefined) return true;
    if (second === 'fields') return third === undefined || Array.isArray(third) || (typeof third === 'string' && fields.has(third));
    return typeof second === 'string' && CONTACT_FIELDS.has(second);
  }
  if (root === 'campaign') return second === undefined || second === 'name';
  return email && typeof root === 'string' && EMAIL_GLOBALS.has(root) && segments.length === 1;
}

/** Merge tags of a template that name nothing; a template that does not parse is an error of its own. */
function mergeTagFindings(engine: Liquid, source: string, path: string, label: string, fields: Set<string>, email: boolean, items: CheckItem[]): void {
  let segments: unknown[][];
  try {
    segments = engine.globalVariableSegmentsSync(parseTemplate(engine, source, path));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    items.push({ code: 'template_error', level: 'error', message: `The ${label} has a merge tag error: ${error.message.replace(/^\$\.\w+ /, '')}` });
    return;
  }
  const unknown = [...new Set(segments.filter((s) => !knownTag(s, fields, email)).map(tagName))];
  for (const name of unknown) {
    const hint = name.startsWith('contact.fields.') ? ' (no custom field of this workspace has that name)' : '';
    items.push({ code: 'unknown_merge_tag', level: 'error', message: `The ${label} uses the merge tag {{ ${name} }}, which names no contact field${hint}: every recipient would get it empty.` });
  }
}

/** The scheme of a link as a mail client reads it (tabs, line breaks and other controls ignored), or null for none. */
function schemeOf(href: string): string | null {
  const cleaned = href.replace(/[\u0000-\u0020\u007f]/g, '');
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  return match ? match[1]!.toLowerCase() : null;
}

/** A whole-href merge tag is fine (its name is checked as a merge tag); a scheme outside http(s), mailto and tel is not. */
function unsafeHref(href: string): boolean {
  const trimmed = href.trim();
  if (/^\{\{[^{}]*\}\}$/.test(trimmed)) return false;
  const scheme = schemeOf(trimmed);
  return scheme !== null && !SAFE_SCHEMES.has(scheme);
}

const shown = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

function htmlFindings(html: string, items: CheckItem[]): void {
  const unsafe: string[] = [];
  let withoutAlt = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if ((name === 'a' || name === 'area') && attributes.href !== undefined && unsafeHref(attributes.href)) unsafe.push(attributes.href.trim());
        if (name === 'img' && attributes.alt === undefined) withoutAlt++;
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  for (const href of new Set(unsafe)) {
    items.push({ code: 'unsafe_link', level: 'error', message: `The link "${shown(href)}" uses "${schemeOf(href)}:", which email clients block or treat as an attack: links must start with http://, https://, mailto: or tel:.` });
  }
  if (withoutAlt) {
    const them = withoutAlt === 1 ? '1 image has' : `${withoutAlt} images have`;
    items.push({ code: 'image_without_alt', level: 'warning', message: `${them} no alt text: people whose mail client blocks images, and screen readers, get nothing in their place.` });
  }
}

/** The HTML as the first recipient would get it, with real-length tracked links, open pixel and tokens. */
function sentHtmlBytes(ctx: WorkspaceContext, row: CampaignRow, content: Content): number | undefined {
  try {
    const template = compileEmailTemplate(content, { track: true });
    const honeypot = template.links.find((l) => l.kind === 'honeypot')!.position;
    const sample = 10_000_000;
    const rendered = renderEmail(template, row, {
      recipient: { messageId: sample, contactId: sample, email: 'recipient@example.com', phone: null, firstName: null, lastName: null, fields: {} },
      to: 'recipient@example.com',
      urls: trackedUrls(ctx.config.publicUrl, signer(ctx.secret, sample), undefined, honeypot),
    });
    return Buffer.byteLength(rendered.html, 'utf8');
  } catch {
    // A template that does not render is reported as a merge tag error already.
    return undefined;
  }
}

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

async function customFieldNames(ctx: WorkspaceContext): Promise<Set<string>> {
  const rows = await ctx.store.db.selectFrom('custom_fields').select('name').where('workspace_id', '=', ctx.workspaceId).execute();
  return new Set(rows.map((r) => r.name));
}

/** The findings for one campaign row, errors first. */
export async function checkCampaign(ctx: WorkspaceContext, row: CampaignRow): Promise<CheckResult> {
  const fields = await customFieldNames(ctx);
  const email = row.channel === 'email';
  const items: CheckItem[] = [];
  for (const content of contents(ctx, row)) {
    const found: CheckItem[] = [];
    if (email) {
      if (blank(content.subject)) found.push({ code: 'empty_subject', level: 'error', message: 'The subject is empty: most inboxes show "(no subject)" and spam filters count it against you.' });
      mergeTagFindings(plainLiquid, content.subject ?? '', '$.subject', 'subject', fields, true, found);
      if (!blank(content.preheader)) mergeTagFindings(plainLiquid, content.preheader!, '$.preheader', 'preheader', fields, true, found);
      mergeTagFindings(htmlLiquid, content.html ?? '', '$.html', 'content', fields, true, found);
      if (!blank(content.text)) mergeTagFindings(plainLiquid, content.text!, '$.text', 'text part', fields, true, found);
      htmlFindings(content.html ?? '', found);
      const bytes = sentHtmlBytes(ctx, row, content);
      if (bytes !== undefined && bytes > GMAIL_CLIP_BYTES) {
        found.push({ code: 'html_over_102kb', level: 'warning', message: `The email weighs ${kb(bytes)} as sent (tracked links and open pixel included): Gmail clips messages over 102 KB, hiding the end and the unsubscribe link.` });
      }
      const text = blank(content.text) ? convert(content.html ?? '', { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }] }) : content.text!;
      if (blank(text)) found.push({ code: 'no_text_part', level: 'warning', message: 'The email has no text, only images or markup: its text part would be empty, which spam filters dislike and some readers show as blank.' });
    } else {
      if (blank(content.body)) found.push({ code: 'empty_body', level: 'error', message: 'The message is empty: write the text of the SMS before sending.' });
      mergeTagFindings(plainLiquid, content.body ?? '', '$.body', 'message', fields, false, found);
      for (const link of new Set((content.body ?? '').match(/\b[a-z][a-z0-9+.-]*:[^\s]+/gi) ?? [])) {
        const scheme = schemeOf(link);
        // "Sale: 20%" is a sentence; a scheme followed by // or one known to run code is a link.
        if (scheme && !SAFE_SCHEMES.has(scheme) && (/^[a-z][a-z0-9+.-]*:\/\//i.test(link) || ['javascript', 'data', 'vbscript', 'file'].includes(scheme))) {
          found.push({ code: 'unsafe_link', level: 'error', message: `The link "${shown(link)}" uses "${scheme}:": links in an SMS must start with http:// or https://, mailto: or tel:.` });
        }
      }
    }
    items.push(...found.map((item) => (content.variant ? { ...item, variant: content.variant } : item)));
  }
  return { items: [...items.filter((i) => i.level === 'error'), ...items.filter((i) => i.level === 'warning')] };
}

/** GET /api/campaigns/:id/checks */
export async function campaignChecks(ctx: WorkspaceContext, id: number): Promise<CheckResult> {
  return checkCampaign(ctx, await campaignRow(ctx, id));
}

/** Refuses a send while an error stands: 409 `checks_failed` listing them. */
export async function assertChecksPass(ctx: WorkspaceContext, row: CampaignRow): Promise<void> {
  const errors = (await checkCampaign(ctx, row)).items.filter((item) => item.level === 'error');
  if (!errors.length) return;
  const list = errors.map((e) => (e.variant ? `variant ${e.variant}: ${e.message}` : e.message)).join(' ');
  throw new AppError(409, 'checks_failed', `This campaign cannot be sent until it is fixed. ${list}`, undefined, { items: errors });
}
