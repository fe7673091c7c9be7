import type { Store } from '../db/connection.js';

export interface TrackedLink {
  id: number;
  campaignId: number;
  position: number;
  /** Where a click goes: an absolute http(s) URL, normalised so that it is a valid Location header. */
  target: string | null;
  honeypot: boolean;
}

interface CampaignLinks {
  byPosition: Map<number, TrackedLink>;
  byId: Map<number, TrackedLink>;
}

/** Only http(s) destinations are followed; anything else is treated as no link at all. */
function redirectTarget(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const MAX_CAMPAIGNS = 10_000;

/**
 * A campaign's links, read once and kept: they are written before the first
 * message goes out and never change afterwards, so a click needs no database
 * read to find its destination. A position that is not cached (a campaign read
 * before its links were stored) triggers one reload.
 */
export function linkCache(store: Store) {
  const campaigns = new Map<number, CampaignLinks>();

  async function load(campaignId: number): Promise<CampaignLinks> {
    const rows = await store.db.selectFrom('links').select(['id', 'position', 'url', 'kind']).where('campaign_id', '=', campaignId).execute();
    const links: CampaignLinks = { byPosition: new Map(), byId: new Map() };
    for (const row of rows) {
      const link: TrackedLink = { id: row.id, campaignId, position: row.position, target: redirectTarget(row.url), honeypot: row.kind === 'honeypot' };
      links.byPosition.set(link.position, link);
      links.byId.set(link.id, link);
    }
    if (campaigns.size >= MAX_CAMPAIGNS) campaigns.clear();
    campaigns.set(campaignId, links);
    return links;
  }

  async function find(campaignId: number, key: 'byPosition' | 'byId', value: number): Promise<TrackedLink | undefined> {
    const cached = campaigns.get(campaignId)?.[key].get(value);
    if (cached) return cached;
    return (await load(campaignId))[key].get(value);
  }

  return {
    byPosition: (campaignId: number, position: number) => find(campaignId, 'byPosition', position),
    byId: (campaignId: number, linkId: number) => find(campaignId, 'byId', linkId),
  };
}

export type LinkCache = ReturnType<typeof linkCache>;
