import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

function ajv(options: Options) {
  const instance = new Ajv({ useDefaults: true, allErrors: false, strict: false, ...options });
  addFormats.default(instance);
  return instance;
}

// Query strings and path params arrive as text, so they are coerced ("20" → 20);
// JSON bodies are taken as typed, so that null stays null and "42" stays a string.
const coercing = ajv({ coerceTypes: 'array', removeAdditional: true });
const exact = ajv({ coerceTypes: false, removeAdditional: false });

/**
 * A copy of a body schema in which every object with declared properties refuses the
 * ones it does not declare: a misspelt or newer field answers 400 naming it instead of
 * being dropped and the request done as if it were absent (a campaign sent to everyone).
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy) && !copy.patternProperties) {
    copy.additionalProperties = false;
  }
  return copy;
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? exact.compile(closed(schema) as object) : coercing.compile(schema as object)) as ReturnType<FastifySchemaCompiler<FastifySchema>>;
