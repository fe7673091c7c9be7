import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Config } from '../../config.js';
import type { Channel, RenderedEmail, SendOutcome } from '../channel.js';

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

/** nodemailer's DKIM options from DKIM_* settings. */
export function dkimOptions(config: Config) {
  if (!config.dkim) return undefined;
  const { domain, selector } = config.dkim;
  return { domainName: domain, keySelector: selector, privateKey: dkimKeyText(config.dkim) };
}

/**
 * Our Message-ID for a campaign message, so that bounces (DSN) can be matched back to it
 * (messages.provider_id). Random after the number: a forged report cannot name a message by guessing it.
 */
export function messageIdHeader(message: RenderedEmail): string | undefined {
  if (!message.messageId) return undefined;
  const domain = message.from.address.split('@')[1] ?? 'ricochet.invalid';
  return `<ricochet.${message.messageId}.${randomBytes(12).toString('base64url')}@${domain}>`;
}

export function mailOptions(message: RenderedEmail): SendMailOptions {
  return {
    from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
    to: message.to,
    replyTo: message.replyTo ?? undefined,
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers: message.headers,
    messageId: messageIdHeader(message),
  };
}

interface SmtpError {
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** SMTP replies → outcomes: 4xx and connection trouble are retried; a 5xx to this recipient or its message is a hard bounce. */
export function smtpOutcome(error: SmtpError): SendOutcome {
  const reason = (error.response || error.message || 'SMTP error').slice(0, 500);
  const code = error.responseCode;
  if (code !== undefined && code >= 500 && (error.command === 'RCPT TO' || error.command === 'DATA')) {
    return { status: 'bounced', type: 'hard', reason };
  }
  // 4xx, lost connections, timeouts, and 5xx outside the recipient's envelope (authentication,
  // a refused sender) are not the recipient's fault: retried, and paused after many in a row.
  return { status: 'retry', reason };
}

export function createSmtpChannel(config: Config): Channel<RenderedEmail> & { rate: number | undefined; connections: number } {
  const { options, rate, connections } = smtpSettings(config.smtpUrl!);
  const transport = nodemailer.createTransport({ ...options, dkim: dkimOptions(config) });
  return {
    rate,
    connections,
    async send(message) {
      try {
        const info = await transport.sendMail(mailOptions(message));
        return { status: 'delivered', providerId: info.messageId };
      } catch (error) {
        return smtpOutcome(error as SmtpError);
      }
    },
    async close() {
      transport.close();
    },
  };
}
