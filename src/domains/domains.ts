import { domainToASCII } from 'node:url';
import { recordAudit } from '../audit/audit.js';
import type { AppContext, WorkspaceContext } from '../context.js';
import type { SendingDomainsTable } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { judgeDkim, judgeDmarc, judgeSpf, lookupTxt, type RecordPurpose, type Verdict } from './dns.js';
import { newKeyPair, newSelector, openPrivateKey, sealPrivateKey } from './keys.js';
import type { DomainRecord, SendingDomain } from './schemas.js';

/** What nodemailer needs to sign one message (its `dkim` option). */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase().replace(/\.$/, '');

/**
 * The key of the workspace's sending domain that `fromEmail` belongs to; undefined when it has none
 * (the instance's DKIM_* default then signs). Keys are stored encrypted under the instance secret,
 * which the context carries.
 */
export async function signingKeyFor({ store, secret }: Pick<AppContext, 'store' | 'secret'>, workspaceId: number, fromEmail: string): Promise<DkimKey | undefined> {
  const domain = domainOf(fromEmail);
  const row = await store.db
    .selectFrom('sending_domains')
    .select(['domain', 'selector', 'private_key'])
    .where('workspace_id', '=', workspaceId)
    .where('domain', '=', domain)
    .executeTakeFirst();
  if (!row) return undefined;
  const privateKey = openPrivateKey(secret, { workspaceId, domain: row.domain, selector: row.selector }, row.private_key);
  return { domainName: row.domain, keySelector: row.selector, privateKey };
}

/** Once a workspace has sending domains, a From address must belong to one of them. */
export async function assertSenderAllowed(ctx: WorkspaceContext, fromEmail: string, path = '$.fromEmail'): Promise<void> {
  const domains = await ctx.store.db.selectFrom('sending_domains').select('domain').where('workspace_id', '=', ctx.workspaceId).orderBy('domain').execute();
  if (!domains.length || domains.some((d) => d.domain === domainOf(fromEmail))) return;
  throw badRequest(`${fromEmail} is not on a sending domain of this workspace (${domains.map((d) => d.domain).join(', ')})`, path);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A mail domain as stored: lower case, no trailing dot, international names in their ASCII
 * (xn--) form, at least two labels, and not an IP address.
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '');
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii.length > 253) throw badRequest(`"${input}" is longer than the 253 characters a domain name may have`, '$.domain');
  const labels = ascii.split('.');
  if (!ascii || labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) {
    throw badRequest(`"${input}" is not a domain name (e.g. mail.example.com)`, '$.domain');
  }
  return ascii;
}

type Row = Pick<SendingDomainsTable, 'domain' | 'selector' | 'public_key' | 'created_at' | 'checked_at' | 'check_result'> & { id: number };

/** The last check as stored in check_result. */
interface CheckResult {
  verified: boolean;
  check: { ok: boolean; message: string };
  records: Record<RecordPurpose, Verdict>;
}

const COLUMNS = ['id', 'domain', 'selector', 'public_key', 'created_at', 'checked_at', 'check_result'] as const;

/** The three records the domain's owner publishes, with their names and values as they must appear in DNS. */
function wanted(ctx: AppContext, row: Pick<Row, 'domain' | 'selector' | 'public_key'>): Array<Omit<DomainRecord, 'status' | 'found'>> {
  const spf = ctx.config.spfInclude ? `v=spf1 include:${ctx.config.spfInclude} ~all` : 'v=spf1 mx ~all';
  return [
    { purpose: 'dkim', type: 'TXT', name: `${row.selector}._domainkey.${row.domain}`, value: `v=DKIM1; k=rsa; p=${row.public_key}` },
    { purpose: 'spf', type: 'TXT', name: row.domain, value: spf },
    { purpose: 'dmarc', type: 'TXT', name: `_dmarc.${row.domain}`, value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${row.domain}` },
  ];
}

function toDomain(ctx: AppContext, row: Row): SendingDomain {
  const result = ctx.store.dialect.readJson(row.check_result) as CheckResult | null;
  return {
    id: row.id,
    domain: row.domain,
    selector: row.selector,
    createdAt: iso(row.created_at)!,
    checkedAt: iso(row.checked_at),
    verified: result?.verified ?? false,
    records: wanted(ctx, row).map((record) => ({ ...record, ...(result?.records[record.purpose] ?? { status: 'unchecked' }) })),
    check: result?.check ?? null,
  };
}

async function domainRow(ctx: WorkspaceContext, id: number): Promise<Row> {
  const row = await ctx.store.db.selectFrom('sending_domains').select(COLUMNS).where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Sending domain');
  return row;
}

export async function listDomains(ctx: WorkspaceContext): Promise<SendingDomain[]> {
  const rows = await ctx.store.db.selectFrom('sending_domains').select(COLUMNS).where('workspace_id', '=', ctx.workspaceId).orderBy('domain').execute();
  return rows.map((row) => toDomain(ctx, row));
}

export const getDomain = async (ctx: WorkspaceContext, id: number) => toDomain(ctx, await domainRow(ctx, id));

const exists = (ctx: WorkspaceContext, domain: string) =>
  ctx.store.db.selectFrom('sending_domains').select('id').where('workspace_id', '=', ctx.workspaceId).where('domain', '=', domain).executeTakeFirst();

/** Adds the domain with a new DKIM key pair; the answer lists the records to publish. */
export async function addDomain(ctx: WorkspaceContext, input: string): Promise<SendingDomain> {
  const domain = normalizeDomain(input);
  const duplicate = () => conflict(`${domain} is already a sending domain of this workspace`);
  if (await exists(ctx, domain)) throw duplicate();
  const { privateKeyPem, publicKey } = await newKeyPair();
  const now = ctx.now();
  const selector = newSelector(now);
  const privateKey = sealPrivateKey(ctx.secret, { workspaceId: ctx.workspaceId, domain, selector }, privateKeyPem);
  try {
    const id = await ctx.store.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('sending_domains')
        .values({ workspace_id: ctx.workspaceId, domain, selector, private_key: privateKey, public_key: publicKey, created_at: now, checked_at: null, check_result: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, { action: 'domain.add', objectType: 'sending_domain', objectId: id, details: { domain, selector } }, trx);
      return id;
    });
    return getDomain(ctx, id);
  } catch (error) {
    // Added by a simultaneous request since the check above: the unique index refused this one.
    if (await exists(ctx, domain)) throw duplicate();
    throw error;
  }
}

const NAMES: Record<RecordPurpose, string> = { dkim: 'DKIM', spf: 'SPF', dmarc: 'DMARC' };

/**
 * Looks the three records up and keeps the result. DNS that does not answer makes those records
 * `unreachable` and the check not ok, with the reason; it leaves `verified` as it was, since a
 * resolver down is no sign that the record went away.
 */
export async function checkDomain(ctx: WorkspaceContext, id: number): Promise<SendingDomain> {
  const row = await domainRow(ctx, id);
  const records = wanted(ctx, row);
  const lookups = await lookupTxt(records.map((record) => record.name), ctx.config.dnsServers);
  const verdicts = {} as Record<RecordPurpose, Verdict>;
  const failures = new Set<string>();
  records.forEach((record, i) => {
    const lookup = lookups[i]!;
    if ('failed' in lookup) {
      failures.add(lookup.failed);
      verdicts[record.purpose] = { status: 'unreachable' };
    } else if (record.purpose === 'dkim') verdicts.dkim = judgeDkim(lookup.records, row.public_key);
    else if (record.purpose === 'spf') verdicts.spf = judgeSpf(lookup.records, ctx.config.spfInclude);
    else verdicts.dmarc = judgeDmarc(lookup.records);
  });
  const previous = ctx.store.dialect.readJson(row.check_result) as CheckResult | null;
  const servers = ctx.config.dnsServers?.join(', ') ?? 'the system resolver';
  const result: CheckResult = {
    verified: verdicts.dkim.status === 'valid' || (verdicts.dkim.status === 'unreachable' && (previous?.verified ?? false)),
    check: failures.size
      ? { ok: false, message: `Could not check: DNS did not answer (${[...failures].join(', ')}; asked ${servers})` }
      : { ok: true, message: records.map((record) => `${NAMES[record.purpose]} ${verdicts[record.purpose].status}`).join(', ') },
    records: verdicts,
  };
  const checkedAt = ctx.now();
  await ctx.store.db
    .updateTable('sending_domains')
    .set({ checked_at: checkedAt, check_result: ctx.store.dialect.writeJson(result) })
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', id)
    .execute();
  return toDomain(ctx, { ...row, checked_at: checkedAt, check_result: result });
}

/** Mail From the domain is then signed with the instance's DKIM_* key, if any, and once no domain is left any From is allowed again. */
export async function removeDomain(ctx: WorkspaceContext, id: number): Promise<void> {
  const row = await domainRow(ctx, id);
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sending_domains').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
    await recordAudit(ctx, { action: 'domain.remove', objectType: 'sending_domain', objectId: id, details: { domain: row.domain, selector: row.selector } }, trx);
  });
}
