import type { AppContext } from '../context.js';
import { verifyToken } from '../tracking/tokens.js';
import { CompiledCache, compileEmailCampaign, type CompiledEmail } from './compile.js';
import { loadClaimed } from './queue.js';

/**
 * The "view online" page: the recipient's own rendering of the email, with its
 * tracked links. Undefined for anything but a genuine view token of an email
 * message whose contact still exists.
 */
export function viewOnline(ctx: AppContext) {
  const compiled = new CompiledCache<CompiledEmail>((campaign) => compileEmailCampaign(ctx, campaign, { dkim: false }), 20);
  return async (token: string): Promise<string | undefined> => {
    const claims = verifyToken(ctx.secret, token);
    if (!claims || claims.purpose !== 'view' || claims.anonymous) return undefined;
    const [recipient] = await loadClaimed(ctx, [claims.subjectId], 'email');
    if (!recipient || recipient.ineligible === 'erased') return undefined;
    const campaign = await ctx.store.db
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', recipient.campaignId)
      .where('channel', '=', 'email')
      .executeTakeFirst();
    if (!campaign) return undefined;
    return (await compiled.get(campaign)).render(recipient).html;
  };
}
