import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { firstWorkspaceId } from '../auth/members.js';
import type { WorkspaceContext } from '../context.js';
import { may } from '../http/access.js';
import { notFound } from '../http/errors.js';
import { copyOwner, outboxDir } from './channels/outbox.js';
import type { OutboxEntry, OutboxQuery } from './schemas.js';
import { withoutTracking } from './untracked.js';

export type { OutboxEntry };

/** Reading the local outbox for GET /api/outbox (the API process; senders only write to it). */
const OUTBOX_NAME = /^[\w.-]+\.(?:eml|sms\.txt)$/;
const isSms = (name: string) => name.endsWith('.sms.txt');
/** The message id a copy's name carries (see COPY_NAME in channels/outbox.ts); none for test sends and the app's own mail. */
const messageIdOf = (name: string) => {
  const id = /-w\d+-(\d+)-[0-9a-f]{6}\.(?:eml|sms\.txt)$/.exec(name)?.[1];
  return id === undefined ? undefined : Number(id);
};

/**
 * Whether the caller may see this copy: one of their workspace's (a copy from before workspaces
 * is the first workspace's), and, for mail only managers may read, with the manage right.
 * `first` answers the first workspace's id, looked up only when a copy from before workspaces comes up.
 */
async function isVisible(ctx: WorkspaceContext, name: string, first: () => Promise<number>): Promise<boolean> {
  const owner = copyOwner(name);
  if (!owner) return (await first()) === ctx.workspaceId;
  return owner.workspaceId === ctx.workspaceId && (!owner.managersOnly || may(ctx.role, 'manage'));
}

function firstWorkspace(ctx: WorkspaceContext): () => Promise<number> {
  let first: Promise<number> | undefined;
  return () => (first ??= firstWorkspaceId(ctx.store));
}

/** The start of a file: an email's headers end at its first blank line, well within the first 16 KB unless it is unusual. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(16 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString('latin1');
    return /\r?\n\r?\n/.test(text) || read < buffer.length ? text : readFileSync(path, 'latin1');
  } finally {
    closeSync(fd);
  }
}

/** An SMS copy: `Name: value` lines, a blank line, then the text (sms/channel.ts). */
function parseSms(raw: string): { headers: Record<string, string>; text: string } {
  const end = raw.indexOf('\n\n');
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, end < 0 ? raw.length : end).split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, text: end < 0 ? '' : raw.slice(end + 2).replace(/\n$/, '') };
}

type Described = Omit<OutboxEntry, 'campaignId'>;

async function describe(dir: string, name: string): Promise<Described> {
  const path = join(dir, name);
  const size = statSync(path).size;
  if (isSms(name)) {
    const sms = parseSms(readFileSync(path, 'utf8'));
    const date = Date.parse(sms.headers.date ?? '');
    return { name, kind: 'sms', to: sms.headers.to ?? '', subject: sms.text.slice(0, 160), date: new Date(Number.isNaN(date) ? statSync(path).mtimeMs : date).toISOString(), size };
  }
  const raw = head(path);
  const end = raw.search(/\r?\n\r?\n/);
  const mail = await simpleParser(Buffer.from(raw.slice(0, end < 0 ? raw.length : end) + '\r\n\r\n', 'latin1'), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
  return { name, kind: 'email', to, subject: mail.subject ?? '', date: (mail.date ?? statSync(path).mtime).toISOString(), size };
}

/** The campaign of each message id, of this workspace only. */
async function campaignsOf(ctx: WorkspaceContext, messageIds: number[]): Promise<Map<number, number>> {
  if (!messageIds.length) return new Map();
  const rows = await ctx.store.db
    .selectFrom('messages')
    .innerJoin('campaigns', 'campaigns.id', 'messages.campaign_id')
    .select(['messages.id', 'messages.campaign_id'])
    .where('campaigns.workspace_id', '=', ctx.workspaceId)
    .where('messages.id', 'in', messageIds)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.campaign_id)]));
}

/**
 * The workspace's copies, email and SMS, newest first, `limit` from `offset`. A campaign filter reads
 * only the names (they carry the message id); a search reads the head of every candidate copy.
 */
export async function listOutbox(ctx: WorkspaceContext, query: OutboxQuery): Promise<{ total: number; items: OutboxEntry[] }> {
  const dir = outboxDir(ctx.config);
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => OUTBOX_NAME.test(n));
  } catch {
    // no outbox yet: nothing was sent
  }
  if (query.kind) names = names.filter((n) => isSms(n) === (query.kind === 'sms'));
  const first = firstWorkspace(ctx);
  const visible = await Promise.all(names.map((name) => isVisible(ctx, name, first)));
  names = names.filter((_, i) => visible[i]);
  if (query.campaignId !== undefined) {
    const campaign = await ctx.store.db
      .selectFrom('campaigns')
      .select('id')
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', query.campaignId)
      .executeTakeFirst();
    if (!campaign) throw notFound('Campaign');
    const ids = new Set(
      (await ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', query.campaignId).execute()).map((m) => Number(m.id)),
    );
    names = names.filter((n) => ids.has(messageIdOf(n) ?? 0));
  }
  names.sort().reverse();

  let described: Described[];
  let total: number;
  const search = query.search?.trim().toLowerCase();
  if (search) {
    const all = await Promise.all(names.map((name) => describe(dir, name)));
    const found = all.filter((entry) => entry.to.toLowerCase().includes(search) || entry.subject.toLowerCase().includes(search));
    total = found.length;
    described = found.slice(offset, offset + limit);
  } else {
    total = names.length;
    described = await Promise.all(names.slice(offset, offset + limit).map((name) => describe(dir, name)));
  }
  const campaigns = await campaignsOf(ctx, described.map((e) => messageIdOf(e.name)).filter((id): id is number => id !== undefined));
  return { total, items: described.map((entry) => ({ ...entry, campaignId: campaigns.get(messageIdOf(entry.name) ?? 0) ?? null })) };
}

/** One copy as sent; another workspace's answers 404 as a missing one. */
export async function readOutboxMessage(ctx: WorkspaceContext, name: string): Promise<Buffer> {
  if (!OUTBOX_NAME.test(name) || !(await isVisible(ctx, name, firstWorkspace(ctx)))) throw notFound('Outbox message');
  try {
    return readFileSync(join(outboxDir(ctx.config), name));
  } catch {
    throw notFound('Outbox message');
  }
}

export const outboxContentType = (name: string) => (isSms(name) ? 'text/plain; charset=utf-8' : 'message/rfc822');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An SMS's text with each short link replaced by where it leads, so reading it in the app follows nothing and records nothing. */
async function smsWithoutTracking(ctx: WorkspaceContext, text: string): Promise<string> {
  const short = new RegExp(`${escapeRegExp(ctx.config.publicUrl.replace(/\/+$/, ''))}/s/([0-9A-Za-z]+)`, 'g');
  const codes = [...new Set([...text.matchAll(short)].map((m) => m[1]!))];
  if (!codes.length) return text;
  const rows = await ctx.store.db
    .selectFrom('sms_short_links')
    .innerJoin('links', 'links.id', 'sms_short_links.link_id')
    .innerJoin('campaigns', 'campaigns.id', 'sms_short_links.campaign_id')
    .select(['sms_short_links.code', 'links.url'])
    .where('campaigns.workspace_id', '=', ctx.workspaceId)
    .where('sms_short_links.code', 'in', codes)
    .execute();
  const targets = new Map(rows.map((r) => [r.code, r.url]));
  return text.replace(short, (_, code: string) => targets.get(code) ?? '[link]');
}

/** One captured message for the app to show: its headers, HTML and text, with nothing in them that records an event when shown. */
export async function outboxMessage(ctx: WorkspaceContext, name: string) {
  const raw = await readOutboxMessage(ctx, name);
  if (isSms(name)) {
    const sms = parseSms(raw.toString('utf8'));
    return {
      name,
      kind: 'sms' as const,
      from: sms.headers.from ?? '',
      to: sms.headers.to ?? '',
      subject: '',
      date: sms.headers.date ?? null,
      headers: sms.headers,
      html: null,
      text: await smsWithoutTracking(ctx, sms.text),
    };
  }
  const mail = await simpleParser(raw, { skipImageLinks: true });
  return {
    name,
    kind: 'email' as const,
    from: mail.from?.text ?? '',
    to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
    subject: mail.subject ?? '',
    date: mail.date?.toISOString() ?? null,
    headers: Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
    html: mail.html ? await withoutTracking(ctx, mail.html) : null,
    text: mail.text ?? null,
  };
}
