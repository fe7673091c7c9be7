import { recordAudit } from '../audit/audit.js';
import type { WorkspaceContext } from '../context.js';
import { recipientRows } from './recipients.js';
import type { Recipient } from './schemas.js';
import { countView, resolveView, viewDetails, type AudienceView, type View } from './view.js';

/** The CSV export of a view: the same rows as the API, every column, streamed page by page. */

const COLUMNS: Array<[string, (r: Recipient) => unknown]> = [
  ['contactId', (r) => r.contactId],
  ['email', (r) => r.email],
  ['phone', (r) => r.phone],
  ['firstName', (r) => r.firstName],
  ['lastName', (r) => r.lastName],
  ['status', (r) => r.status],
  ['received', (r) => r.received],
  ['opened', (r) => r.opened],
  ['opens', (r) => r.opens],
  ['clicked', (r) => r.clicked],
  ['clicks', (r) => r.clicks],
  ['links', (r) => r.links.map((l) => `${l.url} (${l.clicks})`).join(' | ')],
  ['firstOpenAt', (r) => r.firstOpenAt],
  ['lastOpenAt', (r) => r.lastOpenAt],
  ['firstClickAt', (r) => r.firstClickAt],
  ['lastClickAt', (r) => r.lastClickAt],
  ['unsubscribed', (r) => r.unsubscribed],
  ['bounced', (r) => r.bounced],
  ['bounceType', (r) => r.bounceType],
  ['complained', (r) => r.complained],
  ['trackingConsent', (r) => r.trackingConsent],
  ['messageId', (r) => r.messageId],
  ['variant', (r) => r.variant],
];
export const EXPORT_COLUMNS = COLUMNS.map(([name]) => name);

/**
 * Quotes what CSV needs quoted; text that a spreadsheet would run as a formula
 * gets a leading apostrophe (phone numbers and other plain numbers stay as they are).
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?[\d .()]+$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const PAGE = 2000;

/**
 * POST /api/campaigns/:id/recipients/export: the view is checked before the first byte is sent,
 * and the export is audited then, with the view's count at that moment: personal data leaves
 * Ricochet from the first row, so a download that breaks off was an export all the same.
 */
export async function exportView(ctx: WorkspaceContext, campaignId: number, requested: AudienceView, sort?: string) {
  const view = await resolveView(ctx, campaignId, requested);
  const count = await countView(ctx.store.db, view);
  await recordAudit(ctx, { action: 'recipients.export', objectType: 'campaign', objectId: campaignId, details: { campaignId, ...viewDetails(view), count } });
  const filename = `campaign-${campaignId}-${view.label.replace(/\W+/g, '-')}.csv`;
  return { filename, lines: exportCsv(ctx, view, sort) };
}

async function* exportCsv(ctx: WorkspaceContext, view: View, sort?: string): AsyncGenerator<string> {
  // The byte-order mark makes spreadsheets read the file as UTF-8.
  yield `\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`;
  let cursor: string | undefined;
  do {
    const page = await recipientRows(ctx, view, { sort, cursor, limit: PAGE });
    if (page.items.length) yield page.items.map((r) => COLUMNS.map(([, get]) => csvCell(get(r))).join(',') + '\r\n').join('');
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
