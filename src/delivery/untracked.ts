import type { AppContext } from '../context.js';
import { linkCache, type LinkCache } from '../tracking/links.js';
import { escapeHtml } from '../tracking/pages.js';
import { verifyToken } from '../tracking/tokens.js';

/** A transparent 1×1 GIF, shown where the open pixel was: it loads nothing from anywhere. */
const BLANK_PIXEL = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a tracked link goes, as a click would be sent, without recording anything; undefined for no link. */
async function clickTarget(ctx: AppContext, links: LinkCache, token: string): Promise<string | undefined> {
  const claims = verifyToken(ctx.secret, token);
  if (claims?.purpose !== 'click' || claims.link === 0) return undefined;
  const campaignId = claims.anonymous
    ? claims.subjectId
    : (await ctx.store.db.selectFrom('messages').select('campaign_id').where('id', '=', claims.subjectId).executeTakeFirst())?.campaign_id;
  if (campaignId === undefined) return undefined;
  const link = await links.byPosition(campaignId, claims.link);
  return link && !link.honeypot ? (link.target ?? undefined) : undefined;
}

/**
 * A sent message's HTML as the app may show it: what the recipient saw, minus what
 * would record an event on behalf of whoever is looking. The open pixel becomes a
 * blank image and tracked links point straight at their destination.
 */
export async function withoutTracking(ctx: AppContext, html: string): Promise<string> {
  const tracked = new RegExp(`${escapeRegExp(ctx.config.publicUrl)}/t/([oc])/([\\w-]+)`, 'g');
  const links = linkCache(ctx.store);
  const replacements = new Map<string, string>();
  for (const [url, kind, token] of html.matchAll(tracked)) {
    if (replacements.has(url)) continue;
    replacements.set(url, kind === 'o' ? BLANK_PIXEL : escapeHtml((await clickTarget(ctx, links, token!)) ?? '#'));
  }
  return html.replace(tracked, (url) => replacements.get(url)!);
}
