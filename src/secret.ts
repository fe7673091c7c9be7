import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The key that signs tracking tokens: SECRET when set, otherwise one generated on
 * first start and kept in DATA_DIR/secret (mode 600), so links in sent mail keep
 * working across restarts.
 */
export function loadSecret(config: Config): Buffer {
  if (config.secret) return Buffer.from(config.secret, 'utf8');
  const file = join(config.dataDir, 'secret');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32);
  try {
    writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    // Another process created it first: use theirs.
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  }
}
