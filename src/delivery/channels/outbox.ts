import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import { notFound } from '../../http/errors.js';
import type { Channel, RenderedEmail } from '../channel.js';
import { dkimOptions, mailOptions } from './smtp.js';

/**
 * Without SMTP_URL, mail goes to DATA_DIR/outbox as .eml files, so that a
 * newcomer sees exactly what would have been sent (GET /api/outbox).
 */
export const outboxDir = (config: Config) => join(config.dataDir, 'outbox');

let sequence = 0;

export function createOutboxChannel(config: Config): Channel<RenderedEmail> {
  const dir = outboxDir(config);
  mkdirSync(dir, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim: dkimOptions(config) });
  return {
    async send(message) {
      const info = await transport.sendMail(mailOptions(message));
      // Sortable by time, then by order of sending within this process; the random suffix keeps processes apart.
      const time = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${time}-${String(sequence++ % 1e6).padStart(6, '0')}-${message.messageId || 'test'}-${randomBytes(3).toString('hex')}.eml`;
      await writeFile(join(dir, name), info.message as Buffer);
      return { status: 'delivered', providerId: info.messageId };
    },
    async close() {},
  };
}

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
