import { simpleParser } from 'mailparser';
import { TOKEN_LENGTH } from './tokens.js';

/**
 * Delivery status notifications (RFC 3464) and abuse feedback reports (RFC 5965)
 * read from a raw message, with everything that can tie them to the message they
 * are about.
 */
export interface Report {
  kind: 'dsn' | 'arf';
  /** null when the report asks for nothing (a delay warning, a successful delivery, "not spam"). */
  type: 'hard' | 'soft' | 'complaint' | null;
  reason: string;
  /** The address the original message was sent to, lower-cased. */
  recipient: string | null;
  /** Identifiers the relay may have given the original (Message-ID, queue id, envelope id): matched to messages.provider_id. */
  references: string[];
  /** Tracking tokens found in the original message (links, pixel, List-Unsubscribe). */
  tokens: string[];
}

/** RFC 822-style fields, folded lines joined, one map per blank-line-separated group. */
export function fieldGroups(text: string): Array<Map<string, string>> {
  const groups: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size) groups.push(current);
      current = new Map();
      last = undefined;
    } else if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
    }
  }
  if (current.size) groups.push(current);
  return groups;
}

/** "rfc822; Someone@Example.org" or "<someone@example.org>" → "someone@example.org". */
function address(value: string | undefined): string | null {
  if (!value) return null;
  const bare = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const match = /<?([^<>\s]+@[^<>\s]+?)>?$/.exec(bare.trim());
  return match ? match[1]!.toLowerCase() : null;
}

const RANK = { hard: 3, soft: 2, none: 1 } as const;

function deliveryStatus(text: string): Pick<Report, 'type' | 'reason' | 'recipient' | 'references'> {
  const [perMessage = new Map<string, string>(), ...recipients] = fieldGroups(text);
  let best: { type: Report['type']; rank: number; reason: string; recipient: string | null } = { type: null, rank: 0, reason: '', recipient: null };
  for (const fields of recipients) {
    const action = fields.get('action')?.toLowerCase() ?? '';
    const status = /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? '';
    // A failure with a 4.x.x status is transient (soft); "delayed" is only a warning: the relay keeps trying.
    const type = action === 'failed' ? (status.startsWith('4') ? 'soft' : 'hard') : null;
    const rank = RANK[type ?? 'none'];
    if (rank <= best.rank) continue;
    const diagnostic = fields.get('diagnostic-code')?.replace(/^[^;]*;\s*/, '') ?? '';
    best = {
      type,
      rank,
      reason: `${action || 'unknown'} ${status} ${diagnostic}`.replace(/\s+/g, ' ').trim().slice(0, 500),
      recipient: address(fields.get('original-recipient')) ?? address(fields.get('final-recipient')),
    };
  }
  const references = [perMessage.get('original-envelope-id'), perMessage.get('x-postfix-queue-id')].filter((v): v is string => !!v);
  return { type: best.type, reason: best.reason, recipient: best.recipient, references };
}

/** Feedback types that are complaints; "not-spam" and "auth-failure" reports are not. */
const COMPLAINTS = new Set(['abuse', 'fraud', 'virus', 'other']);

function feedbackReport(text: string): Pick<Report, 'type' | 'reason' | 'recipient' | 'references'> {
  const fields = fieldGroups(text)[0] ?? new Map<string, string>();
  const feedbackType = fields.get('feedback-type')?.toLowerCase() ?? 'unknown';
  return {
    type: COMPLAINTS.has(feedbackType) ? 'complaint' : null,
    reason: `feedback-type ${feedbackType}`,
    recipient: address(fields.get('original-rcpt-to')) ?? address(fields.get('removal-recipient')),
    references: [],
  };
}

const TOKEN = new RegExp(`/(?:t/[co]|u|v)/([A-Za-z0-9_-]{${TOKEN_LENGTH}})(?![A-Za-z0-9_-])`, 'g');
const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]+>)/gim;
const TO = /^to:[ \t]*(.+)$/im;

/** The report in a raw message, or undefined when it is neither a DSN nor a feedback report. */
export async function parseReport(raw: Buffer | string): Promise<Report | undefined> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true, skipTextToHtml: true });
  const contentType = mail.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  const reportType = contentType?.params?.['report-type']?.toLowerCase();
  const part = (type: string) => mail.attachments.find((a) => a.contentType.toLowerCase() === type)?.content.toString('utf8');
  const status = part('message/delivery-status') ?? part('message/global-delivery-status');
  const feedback = part('message/feedback-report');

  let report: Pick<Report, 'type' | 'reason' | 'recipient' | 'references'>;
  let kind: Report['kind'];
  if (feedback !== undefined && (reportType === 'feedback-report' || status === undefined)) {
    kind = 'arf';
    report = feedbackReport(feedback);
  } else if (status !== undefined) {
    kind = 'dsn';
    report = deliveryStatus(status);
  } else {
    return undefined;
  }

  // The original travels as text/rfc822-headers or message/rfc822; its headers are read from the raw text,
  // with quoted-printable soft line breaks undone so that no token is cut in two.
  const text = (Buffer.isBuffer(raw) ? raw.toString('utf8') : raw).replace(/=\r?\n/g, '');
  const original = [text, mail.text ?? '', typeof mail.html === 'string' ? mail.html : '', ...mail.attachments.map((a) => a.content.toString('utf8'))].join('\n');
  const ownId = mail.messageId;
  const messageIds = [...text.matchAll(MESSAGE_ID)].map((m) => m[1]!).filter((id) => id !== ownId);
  const tokens = [...new Set([...original.matchAll(TOKEN)].map((m) => m[1]!))];
  const headers = part('text/rfc822-headers');
  const originalTo = headers ? address(TO.exec(headers)?.[1]?.trim()) : null;
  return {
    kind,
    ...report,
    recipient: report.recipient ?? originalTo,
    references: [...new Set([...report.references, ...messageIds])],
    tokens,
  };
}
