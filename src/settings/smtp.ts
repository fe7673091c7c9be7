import { readFileSync } from 'node:fs';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

/** SMTP_URL → nodemailer pool options; `pool` (connections) and `rate` (messages/s) come from the query string. */
export function smtpSettings(smtpUrl: string): { options: SMTPPool.Options; rate: number | undefined; connections: number } {
  const url = new URL(smtpUrl);
  const number = (name: string, fallback: number | undefined, whole: boolean) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
      throw new Error(`SMTP_URL: ${name} must be a ${whole ? 'whole number from 1 up' : 'positive number'}, got "${raw}"`);
    }
    return value;
  };
  const connections = number('pool', 5, true)!;
  const secure = url.protocol === 'smtps:';
  return {
    connections,
    rate: number('rate', undefined, false),
    options: {
      pool: true,
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      maxConnections: connections,
      maxMessages: Infinity,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    },
  };
}

/** The DKIM key's PEM text: DKIM_PRIVATE_KEY, which may carry literal "\n" (one-line env files), or the file's content. */
export function dkimKeyText(dkim: { privateKey?: string; privateKeyFile?: string }): string {
  return dkim.privateKey ? dkim.privateKey.replace(/\\n/g, '\n') : readFileSync(dkim.privateKeyFile!, 'utf8');
}
