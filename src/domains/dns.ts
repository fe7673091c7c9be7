import { Resolver } from 'node:dns/promises';

export type RecordPurpose = 'dkim' | 'spf' | 'dmarc';
export type RecordStatus = 'unchecked' | 'valid' | 'missing' | 'mismatch' | 'unreachable';

/** The TXT records found at one name, each one string (a record's 255-character chunks joined); or why DNS gave none. */
export type Lookup = { records: string[] } | { failed: string };

/** Answers that say the name holds no TXT record, as opposed to DNS not answering. */
const ABSENT = new Set(['ENODATA', 'ENOTFOUND']);

const REASONS: Record<string, string> = {
  ETIMEOUT: 'timed out',
  ECONNREFUSED: 'connection refused',
  ESERVFAIL: 'server failure',
  EREFUSED: 'query refused',
  ECONNRESET: 'connection reset',
};

/**
 * Looks the names up with the configured resolvers (the system's when none): 2 s and one try
 * per name, all at once, so a check answers within about 3 s even when DNS is down.
 */
export async function lookupTxt(names: string[], servers: string[] | undefined): Promise<Lookup[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  if (servers) resolver.setServers(servers);
  return Promise.all(
    names.map(async (name): Promise<Lookup> => {
      try {
        return { records: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        return ABSENT.has(code) ? { records: [] } : { failed: REASONS[code] ?? code };
      }
    }),
  );
}

/** A record's tags (`k=v; k=v`), names lower-cased, values trimmed. */
function tags(record: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of record.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) found.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return found;
}

export interface Verdict {
  status: RecordStatus;
  /** What DNS holds there that bears on the record, to set beside what should be. */
  found?: string[];
}

/** Valid when one record at the selector's name carries our public key (white space inside p= is allowed). */
export function judgeDkim(records: string[], publicKey: string): Verdict {
  if (!records.length) return { status: 'missing' };
  const ours = records.some((record) => tags(record).get('p')?.replace(/\s+/g, '') === publicKey);
  return { status: ours ? 'valid' : 'mismatch', found: records };
}

/**
 * Valid when the domain has one SPF record, and it includes the mail provider's when one is configured.
 * Two SPF records are an error to receivers (RFC 7208 §4.5), hence a mismatch.
 */
export function judgeSpf(records: string[], include: string | undefined): Verdict {
  const spf = records.filter((record) => /^v=spf1(\s|$)/i.test(record.trim()));
  if (!spf.length) return { status: 'missing' };
  if (spf.length > 1) return { status: 'mismatch', found: spf };
  const terms = spf[0]!.toLowerCase().split(/\s+/);
  const included = !include || terms.some((term) => term.replace(/^[+?~]/, '').replace(/\.$/, '') === `include:${include}`);
  return { status: included ? 'valid' : 'mismatch', found: spf };
}

/** Valid when `_dmarc.<domain>` holds one DMARC record, whatever its policy: the domain's owner chooses it. */
export function judgeDmarc(records: string[]): Verdict {
  if (!records.length) return { status: 'missing' };
  const dmarc = records.filter((record) => /^v=DMARC1\s*(;|$)/i.test(record.trim()));
  return { status: dmarc.length === 1 ? 'valid' : 'mismatch', found: records };
}
