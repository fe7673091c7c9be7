import type { Store } from '../db/connection.js';
import type { WorkspaceContext } from '../context.js';
import { badRequest } from '../http/errors.js';

/** What nodemailer needs to sign one message (its `dkim` option). */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase().replace(/\.$/, '');

/** The key of the workspace's sending domain that `fromEmail` belongs to; undefined when it has none (the instance's DKIM_* default then signs). */
export async function signingKeyFor(store: Store, workspaceId: number, fromEmail: string): Promise<DkimKey | undefined> {
  const domain = domainOf(fromEmail);
  const row = await store.db
    .selectFrom('sending_domains')
    .select(['domain', 'selector', 'private_key'])
    .where('workspace_id', '=', workspaceId)
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row && { domainName: row.domain, keySelector: row.selector, privateKey: row.private_key };
}

/** Once a workspace has sending domains, a From address must belong to one of them. */
export async function assertSenderAllowed(ctx: WorkspaceContext, fromEmail: string, path = '$.fromEmail'): Promise<void> {
  const domains = await ctx.store.db.selectFrom('sending_domains').select('domain').where('workspace_id', '=', ctx.workspaceId).execute();
  if (!domains.length || domains.some((d) => d.domain === domainOf(fromEmail))) return;
  throw badRequest(`${fromEmail} is not on a sending domain of this workspace (${domains.map((d) => d.domain).join(', ')})`, path);
}
