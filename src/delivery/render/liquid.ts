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
