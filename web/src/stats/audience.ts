import { describeFilter, type FilterNode, type WordsContext } from '../filters/model';
import type { SegmentName } from '../types';

export type Segment = 'all' | SegmentName;

export const SEGMENTS: { value: Segment; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'openers', label: 'Openers' },
  { value: 'clickers', label: 'Clickers' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
];

/** What the API calls the recipients the user is looking at: a segment, a filter, or both (combined with AND). */
export interface Audience {
  segment?: Exclude<Segment, 'all'>;
  filter?: FilterNode;
  /** Count human events only in every open and click condition (segments included). */
  human?: boolean;
}

/** The relaunch's audience label (SPEC §7): `active view` whenever a filter is given, else the segment, else `all`. */
export const audienceLabel = (audience: Audience) => (audience.filter ? 'active view' : (audience.segment ?? 'all'));

const DAY_MS = 24 * 60 * 60 * 1000;

/** `Copy D + <n> - <audience>: <name>`, n = whole days since the original send started. */
export function relaunchName(name: string, sentAt: string | null, audience: Audience, now = Date.now()): string {
  const days = sentAt ? Math.max(0, Math.floor((now - Date.parse(sentAt)) / DAY_MS)) : 0;
  return `Copy D + ${days} - ${audienceLabel(audience)}: ${name}`;
}

/**
 * What tells a link apart from the campaign's other links: its path, query and anchor when they all
 * share one host (the host otherwise), and its position in the message when the same URL comes twice.
 */
export function linkLabels(links: { id: number; url: string; position?: number }[]): Map<number, string> {
  const parse = (url: string) => {
    try {
      return new URL(url);
    } catch {
      return undefined;
    }
  };
  const parsed = links.map((l) => parse(l.url));
  const hosts = new Set(parsed.map((u) => u?.host));
  const labels = links.map((link, i) => {
    const u = parsed[i];
    if (!u) return link.url;
    const rest = `${u.pathname === '/' ? '' : u.pathname}${u.search}${u.hash}`;
    if (hosts.size === 1) return rest || u.host.replace(/^www\./, '');
    return `${u.host.replace(/^www\./, '')}${rest}`;
  });
  const seen = new Map<string, number>();
  for (const label of labels) seen.set(label, (seen.get(label) ?? 0) + 1);
  return new Map(links.map((link, i) => [link.id, seen.get(labels[i]!)! > 1 ? `${labels[i]} (link ${link.position ?? i + 1})` : labels[i]!]));
}

/** How many of a row's opens and clicks privacy proxies and link scanners made; undefined when the server does not say. */
export function machineEvents(r: { opens: number | null; clicks: number; humanOpens?: number | null; humanClicks?: number | null }): number | undefined {
  if (typeof r.humanClicks !== 'number') return undefined;
  return (r.opens ?? 0) - (r.humanOpens ?? 0) + r.clicks - r.humanClicks;
}

/** The view in words: its segment, its filter and whether it counts people only; "all" when it is everyone. */
export function describeAudience(audience: Audience, words: WordsContext = {}): string {
  const parts = [
    ...(audience.segment ? [audience.segment] : []),
    ...(audience.filter ? [describeFilter(audience.filter, words)] : []),
    ...(audience.human ? ['human only'] : []),
  ];
  return parts.length ? parts.join(', ') : 'all';
}

/** What Create a list proposes: the campaign and the view as it stands, within a list name's 200 characters. */
export function listNameFor(campaignName: string, audience: Audience, words: WordsContext = {}): string {
  const name = `${campaignName} - ${describeAudience(audience, words)}`;
  return name.length > 200 ? `${name.slice(0, 199)}…` : name;
}
