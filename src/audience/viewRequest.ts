import { badRequest } from '../http/errors.js';
import { parseFilter, parseFilterText, type ParsedFilter } from './filter.js';
import type { Segment } from './segments.js';
import type { AudienceView } from './view.js';

/**
 * The HTTP edge of a view: a query string carries the filter as JSON text (its
 * nodes named from `$`, its other parameters from `query.`), a body carries it as
 * JSON (named from `$.filter`, the rest from `$.`). Everything below takes the
 * checked AudienceView and never needs to know which one it came from.
 */

interface ViewParameters {
  segment?: Segment | 'all';
  human?: boolean;
  viewId?: number;
}

/** `?segment=&filter=&human=&viewId=` */
export const viewOfQuery = (query: ViewParameters & { filter?: string }): AudienceView => audienceView(query, parseFilterText(query.filter), 'query.');

/** `{ segment, filter, human, viewId }` */
export const viewOfBody = (body: ViewParameters & { filter?: unknown }): AudienceView => audienceView(body, filterOfBody(body.filter) ?? undefined, '$.');

/** A body's `filter`, parsed; null (no filter) and left out stay apart, for patches. */
export const filterOfBody = (filter: unknown): ParsedFilter | null | undefined => (filter == null ? filter : parseFilter(filter, '$.filter'));

function audienceView(input: ViewParameters, filter: ParsedFilter | undefined, at: string): AudienceView {
  const human = input.human ?? false;
  const segment = input.segment === 'all' ? undefined : input.segment;
  if (input.viewId === undefined) return { human, filter, segment: segment && { name: segment, path: `${at}segment` } };
  const path = `${at}viewId`;
  if (segment || filter) throw badRequest(`${path}: a saved view brings its own segment and filter; send either viewId or segment/filter`, path);
  return { human, savedView: { id: input.viewId, path } };
}
