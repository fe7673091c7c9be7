import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { firstWorkspaceId } from '../auth/members.js';
import type { WorkspaceContext } from '../context.js';
import { may } from '../http/access.js';
import { notFound } from '../http/errors.js';
import { copyOwner, outboxDir } from './channels/outbox.js';
import { withoutTracking } from './untracked.js';

/** Reading the local outbox for GET /api/outbox (the API process; senders only write to it). */
export interface OutboxEntry {
  name: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}

const OUTBOX_NAME = /^[\w.-]+\.eml$/;

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

/** The workspace's copies, newest first; only the head of each file is read and parsed. */
export async function listOutbox(ctx: WorkspaceContext, limit: number): Promise<{ total: number; items: OutboxEntry[] }> {
  const dir = outboxDir(ctx.config);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => OUTBOX_NAME.test(n));
  } catch {
    // no outbox yet: nothing was sent
  }
  const first = firstWorkspace(ctx);
  const visible = await Promise.all(names.map((name) => isVisible(ctx, name, first)));
  names = names.filter((_, i) => visible[i]);
  names.sort().reverse();
  const items = await Promise.all(
    names.slice(0, limit).map(async (name) => {
      const path = join(dir, name);
      const raw = readFileSync(path, 'latin1');
      const end = raw.search(/\r?\n\r?\n/);
      const head = await simpleParser(Buffer.from(raw.slice(0, end < 0 ? raw.length : end) + '\r\n\r\n', 'latin1'), {
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipImageLinks: true,
      });
      const to = Array.isArray(head.to) ? head.to.map((a) => a.text).join(', ') : (head.to?.text ?? '');
      return { name, to, subject: head.subject ?? '', date: (head.date ?? statSync(path).mtime).toISOString(), size: statSync(path).size };
    }),
  );
  return { total: names.length, items };
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

/** One captured message for the app to show: its headers, HTML and text, with nothing in them that records an event when shown. */
export async function outboxMessage(ctx: WorkspaceContext, name: string) {
  const mail = await simpleParser(await readOutboxMessage(ctx, name), { skipImageLinks: true });
  return {
    name,
    from: mail.from?.text ?? '',
    to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
    subject: mail.subject ?? '',
    date: mail.date?.toISOString() ?? null,
    headers: Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
    html: mail.html ? await withoutTracking(ctx, mail.html) : null,
    text: mail.text ?? null,
  };
}
