import { Liquid, type Template } from 'liquidjs';
import { badRequest } from '../../http/errors.js';

const common = {
  strictFilters: true,
  ownPropertyOnly: true,
  // An empty in-memory file map: {% include %} and {% render %} can never read the server's files.
  templates: {},
  // A template is the marketer's code run once per recipient: bound its cost.
  parseLimit: 1_000_000,
  renderLimit: 2_000,
  memoryLimit: 50_000_000,
};

/** HTML parts: every output is HTML-escaped, so contact data cannot inject markup. */
export const htmlLiquid = new Liquid({ ...common, outputEscape: 'escape' });
// `| raw` would let contact data through unescaped (tags, links): here it escapes like any output.
htmlLiquid.registerFilter('raw', (value: unknown) => value);
/** Subject, preheader and text parts: not HTML, so nothing is escaped. */
export const plainLiquid = new Liquid(common);

export type Parsed = Template[];

/** Parses a template once; a syntax error becomes a 400 naming the field, line and column. */
export function parseTemplate(engine: Liquid, source: string, path: string): Parsed {
  try {
    return engine.parse(source);
  } catch (error) {
    throw templateError(error, path);
  }
}

function templateError(error: unknown, path: string) {
  const { message = 'does not parse', token } = error as { message?: string; token?: { getPosition?: () => [number, number] } };
  const position = token?.getPosition?.();
  const reason = message.replace(/, line:\d+, col:\d+$/, '');
  const where = position ? ` at line ${position[0]}, column ${position[1]}` : '';
  return badRequest(`${path} template error${where}: ${reason}`, path);
}

// The renderers' markers (\u0001–\u0006 in emails, \uE000–\uE001 in SMS) and other control characters: never in merge data.
const MARKERS_AND_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ue000\ue001]/g;
const HAS_MARKER_OR_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ue000\ue001]/;

/**
 * Merge data (contact values, custom fields) as Liquid may see it: without control
 * characters, so no value can imitate a marker. Copies only what it changes.
 */
export function mergeData<T>(value: T): T {
  if (typeof value === 'string') return (HAS_MARKER_OR_CONTROL.test(value) ? value.replace(MARKERS_AND_CONTROLS, '') : value) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) {
    const items = value.map(mergeData);
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const clean = mergeData(record[key]);
    if (clean !== record[key]) (copy ??= { ...record })[key] = clean;
  }
  return (copy ?? value) as T;
}
