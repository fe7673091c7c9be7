import { randomBytes } from 'node:crypto';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import type { RenderedEmail } from './channel.js';

/**
 * A rendered email as the MIME message that goes on the wire, built as one string:
 * the headers, then a multipart/alternative of the text and the HTML. Handed to
 * nodemailer as `raw`, which then only signs (DKIM) and sends it. nodemailer's
 * composer builds the same message through a chain of streams, each part encoded
 * chunk by chunk and written to the socket in many small writes: about three times
 * the CPU of sending a message already built, which a campaign of thousands pays per
 * recipient (docs/performance.md, Sending real newsletters). Headers are encoded by
 * nodemailer's own header encoder, so they read exactly as before.
 */

/** Used only for its header encoding (address lists, encoded words, message ids). */
const encoder = new MimeNode();
const header = (key: string, value: Parameters<MimeNode['encodeHeaderValue']>[1]) => foldLines(`${key}: ${encoder.encodeHeaderValue(key, value)}`, 76);

/** The From line, the same for every message of a campaign: encoded once. */
const senders = new Map<string, string>();
function fromLine(from: RenderedEmail['from']): string {
  const key = `${from.name ?? ''}\u0000${from.address}`;
  let line = senders.get(key);
  if (line === undefined) {
    if (senders.size >= 1000) senders.clear();
    line = header('From', from.name ? { name: from.name, address: from.address } : from.address) + '\r\n';
    senders.set(key, line);
  }
  return line;
}

const LITERAL = /[^\t\x20-\x3c\x3e-\x7e]+/g;
/** =XX of each ASCII character (in HTML, mostly "="), without going through a Buffer. */
const ASCII = Array.from({ length: 128 }, (_, code) => `=${code.toString(16).toUpperCase().padStart(2, '0')}`);
const hex = (run: string) => {
  if (run.length === 1 && run.charCodeAt(0) < 128) return ASCII[run.charCodeAt(0)]!;
  return Buffer.from(run, 'utf8').toString('hex').toUpperCase().replace(/../g, '=$&');
};

/** Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, soft breaks never inside an =XX, hard breaks as CRLF. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    let encoded = line.replace(LITERAL, hex);
    // Whitespace at the end of a line would be taken away in transit.
    const last = encoded.charCodeAt(encoded.length - 1);
    if (last === 0x20 || last === 0x09) encoded = encoded.slice(0, -1) + (last === 0x20 ? '=20' : '=09');
    let start = 0;
    while (encoded.length - start > 76) {
      let end = start + 75;
      if (encoded.charCodeAt(end - 1) === 0x3d) end -= 1;
      else if (encoded.charCodeAt(end - 2) === 0x3d) end -= 2;
      out.push(encoded.slice(start, end) + '=');
      start = end;
    }
    out.push(start ? encoded.slice(start) : encoded);
  }
  return out.join('\r\n');
}

const PLAIN = /[\x00-\x08\x0b\x0c\x0e-\x1f\u0080-\uffff]/;
const NOT_ASCII = /[\u0080-\uffff]/;
const LONG_LINE = /[^\r\n]{77}/;

/** A text part's body and transfer encoding, chosen as nodemailer chooses: 7bit when it can, quoted-printable for mostly Latin text, base64 otherwise. */
function part(content: string): { encoding: string; body: string } {
  if (!PLAIN.test(content) && !LONG_LINE.test(content)) return { encoding: '7bit', body: content.replace(/\r\n|\r|\n/g, '\r\n') };
  // ASCII with long lines (most HTML): quoted-printable without counting.
  if (!NOT_ASCII.test(content)) return { encoding: 'quoted-printable', body: quotedPrintable(content) };
  let other = 0;
  let latin = 0;
  for (let i = 0; i < content.length; i++) {
    const code = content.charCodeAt(i);
    if (code >= 0x80 || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) other++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  if (other < latin) return { encoding: 'quoted-printable', body: quotedPrintable(content) };
  return { encoding: 'base64', body: Buffer.from(content, 'utf8').toString('base64').replace(/.{76}(?=.)/g, '$&\r\n') };
}

/**
 * The message's bytes. `messageId` is its Message-ID header (with its angle brackets), `date` its Date.
 * The boundary holds "=_", which neither a quoted-printable nor a base64 body can contain.
 */
export function buildMime(message: RenderedEmail, messageId: string, date = new Date()): Buffer {
  const boundary = `--=_ricochet-${randomBytes(9).toString('base64url')}`;
  const text = part(message.text);
  const html = part(message.html);
  let head = '';
  for (const [key, value] of Object.entries(message.headers)) head += header(key, value) + '\r\n';
  head += fromLine(message.from);
  head += header('To', message.to) + '\r\n';
  if (message.replyTo) head += header('Reply-To', message.replyTo) + '\r\n';
  head += header('Subject', message.subject) + '\r\n';
  head += `Message-ID: ${messageId}\r\n`;
  head += `Date: ${date.toUTCString().replace(/GMT/, '+0000')}\r\n`;
  head += 'MIME-Version: 1.0\r\n';
  head += `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n`;
  return Buffer.from(
    `${head}\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${text.encoding}\r\n\r\n${text.body}\r\n` +
      `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: ${html.encoding}\r\n\r\n${html.body}\r\n` +
      `--${boundary}--\r\n`,
    'utf8',
  );
}
