import { mkdirSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { Channel, RenderedEmail } from '../channel.js';
import { dkimOptions, rawMail } from './smtp.js';

/**
 * Without SMTP_URL, mail goes to DATA_DIR/outbox as .eml files, so that a
 * newcomer sees exactly what would have been sent (GET /api/outbox).
 */
export const outboxDir = (config: Config) => join(config.dataDir, 'outbox');

/**
 * A copy's name says whose it is: `<time>-<sequence>-w<workspace>-<what>-<6 hex>.eml` for email,
 * where <what> is the message id, `test` for a test send or `manage` for mail only managers may
 * read (RenderedEmail.managersOnly); `<time>-w<workspace>-<message id>-<6 hex>.sms.txt` for SMS.
 * Copies written before workspaces have no w<workspace>: they belong to the first workspace.
 */
const COPY_NAME = /-w(\d+)-(\d+|test|manage)-[0-9a-f]{6}\.(?:eml|sms\.txt)$/;

/** The workspace and kind a copy's name records; undefined for a copy from before workspaces. */
export function copyOwner(name: string): { workspaceId: number; managersOnly: boolean } | undefined {
  const match = COPY_NAME.exec(name);
  return match ? { workspaceId: Number(match[1]), managersOnly: match[2] === 'manage' } : undefined;
}

const what = (message: RenderedEmail) => (message.managersOnly ? 'manage' : message.messageId || 'test');

let sequence = 0;

export function createOutboxChannel(config: Config): Channel<RenderedEmail> {
  const dir = outboxDir(config);
  mkdirSync(dir, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim: dkimOptions(config) });
  return {
    async send(message) {
      // Built as the SMTP channel builds it: the copy is what would have been sent.
      const { options, messageId } = rawMail(message);
      const info = await transport.sendMail(options);
      // Sortable by time, then by order of sending within this process; the random suffix keeps processes apart.
      const time = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${time}-${String(sequence++ % 1e6).padStart(6, '0')}-w${message.workspaceId}-${what(message)}-${randomBytes(3).toString('hex')}.eml`;
      await writeFile(join(dir, name), info.message as Buffer);
      return { status: 'delivered', providerId: messageId };
    },
    async close() {},
  };
}

/** Removes the outbox copies (email and SMS) of these messages: erasing a contact leaves no copy of what it was sent. */
export async function deleteOutboxCopies(config: Config, messageIds: number[]): Promise<number> {
  if (!messageIds.length) return 0;
  const ids = new Set(messageIds.map(String));
  const names = await readdir(outboxDir(config)).catch(() => [] as string[]);
  // File names end in -<messageId>-<6 hex>.eml or .sms.txt (COPY_NAME).
  const doomed = names.filter((name) => ids.has(/-(\d+)-[0-9a-f]{6}\.(?:eml|sms\.txt)$/.exec(name)?.[1] ?? ''));
  await Promise.all(doomed.map((name) => rm(join(outboxDir(config), name), { force: true })));
  return doomed.length;
}
