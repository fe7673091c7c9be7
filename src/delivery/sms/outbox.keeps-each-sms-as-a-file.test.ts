import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createSmsOutboxChannel } from './channel.js';

describe('SMS outbox without an SMSC', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-sms-outbox-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes each SMS as a .sms.txt file named for its workspace and message, with its recipient, sender, encoding and parts, and reports it delivered', async () => {
    const channel = createSmsOutboxChannel(loadConfig({ DATA_DIR: dataDir }));
    const text = 'Привет! ' + 'x'.repeat(70);
    expect(await channel.send({ kind: 'sms', workspaceId: 3, messageId: 42, to: '+33612345678', from: 'SHOP', text })).toEqual({ status: 'delivered' });
    expect(await channel.send({ kind: 'sms', workspaceId: 3, messageId: 43, to: '+33612345679', from: 'SHOP', text: 'Hi' })).toEqual({ status: 'delivered' });
    const files = readdirSync(join(dataDir, 'outbox')).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^[\w-]+-w3-4[23]-[0-9a-f]{6}\.sms\.txt$/.test(f))).toBe(true);
    const first = readFileSync(join(dataDir, 'outbox', files.find((f) => f.includes('-42-'))!), 'utf8');
    expect(first).toMatch(/^To: \+33612345678\nFrom: SHOP\nDate: \d{4}-\d\d-\d\dT[\d:.]+Z\nEncoding: ucs2, 78 characters, 2 part\(s\)\n\nПривет! x{70}\n$/);
  });
});
