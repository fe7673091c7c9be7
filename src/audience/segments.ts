import type { Channel } from '../db/schema.js';
import { badRequest } from '../http/errors.js';
import type { FilterNode } from './filter.js';

/**
 * The segments of SPEC §2 as named filters: one definition, used by the views,
 * the summary, the actions and the reference evaluator alike. SMS has no opens,
 * so it has no openers and its active recipients are its clickers.
 */
export const SEGMENTS = ['openers', 'clickers', 'active', 'inactive'] as const;
export type Segment = (typeof SEGMENTS)[number];

const opened: FilterNode = { field: 'opened', op: 'is', value: true };
const clicked: FilterNode = { field: 'clicked', op: 'is', value: true };
const received: FilterNode = { field: 'received', op: 'is', value: true };

const DEFINITIONS: Record<Segment, Record<Channel, FilterNode | undefined>> = {
  openers: { email: opened, sms: undefined },
  clickers: { email: clicked, sms: clicked },
  // Opened or clicked; a click implies an open, so for email that is opened.
  active: { email: opened, sms: clicked },
  inactive: {
    email: { match: 'all', conditions: [received, { not: opened }] },
    sms: { match: 'all', conditions: [received, { not: clicked }] },
  },
};

/** The segments a channel has, in display order. */
export const segmentsOf = (channel: Channel): Segment[] => SEGMENTS.filter((s) => DEFINITIONS[s][channel]);

export function segmentFilter(segment: Segment, channel: Channel, path: string): FilterNode {
  const filter = DEFINITIONS[segment][channel];
  if (!filter) throw badRequest(`${path}: ${channel.toUpperCase()} campaigns have no ${segment} (no opens are tracked): use clickers or active`, path);
  return filter;
}
