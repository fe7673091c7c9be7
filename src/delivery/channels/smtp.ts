import { randomBytes } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../../config.js';
import { dkimKeyText, smtpSettings } from '../../settings/smtp.js';
import type { Channel, RenderedEmail, SendOutcome } from '../channel.js';
import { buildMime } from '../mime.js';

/** nodemailer's DKIM options from DKIM_* settings: the instance's default key, for mail whose message carries none (rawMail). */
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

/**
 * What nodemailer sends: the message built by buildMime (mime.ts) as `raw`, with its envelope;
 * nodemailer signs it (a message's own DKIM key, its workspace's sending domain, takes the place of
 * the transport's default) and sends it. Answers the Message-ID too: messages.provider_id.
 */
export function rawMail(message: RenderedEmail): { options: SendMailOptions; messageId: string } {
  const domain = message.from.address.split('@')[1] ?? 'ricochet.invalid';
  const messageId = messageIdHeader(message) ?? `<${randomBytes(16).toString('hex')}@${domain}>`;
  const options: SendMailOptions = {
    envelope: { from: message.from.address, to: [message.to] },
    raw: buildMime(message, messageId),
    ...(message.dkim && { dkim: message.dkim }),
  };
  return { options, messageId };
}

/** The message as nodemailer's composer would build it (the send benchmark's baseline). */
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
    ...(message.dkim && { dkim: message.dkim }),
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
        const { options, messageId } = rawMail(message);
        await transport.sendMail(options);
        return { status: 'delivered', providerId: messageId };
      } catch (error) {
        return smtpOutcome(error as SmtpError);
      }
    },
    async close() {
      transport.close();
    },
  };
}
