import type { FilterNode } from '../filters/model';
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
