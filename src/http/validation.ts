import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

function ajv(options: Options) {
  const instance = new Ajv({ removeAdditional: true, useDefaults: true, allErrors: false, strict: false, ...options });
  addFormats.default(instance);
  return instance;
}

// Query strings and path params arrive as text, so they are coerced ("20" → 20);
// JSON bodies are taken as typed, so that null stays null and "42" stays a string.
const coercing = ajv({ coerceTypes: 'array' });
const exact = ajv({ coerceTypes: false });

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? exact : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<FastifySchema>>;
