import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { outboxDir } from './channels/outbox.js';
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

/** Newest first; only the head of each file is read and parsed. */
export async function listOutbox(config: Config, limit: number): Promise<{ total: number; items: OutboxEntry[] }> {
  const dir = outboxDir(config);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => OUTBOX_NAME.test(n));
  } catch {
    // no outbox yet: nothing was sent
  }
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

export function readOutboxMessage(config: Config, name: string): Buffer {
  if (!OUTBOX_NAME.test(name)) throw notFound('Outbox message');
  try {
    return readFileSync(join(outboxDir(config), name));
  } catch {
    throw notFound('Outbox message');
  }
}

/** One captured message for the app to show: its headers, HTML and text, with nothing in them that records an event when shown. */
export async function outboxMessage(ctx: AppContext, name: string) {
  const mail = await simpleParser(readOutboxMessage(ctx.config, name), { skipImageLinks: true });
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
