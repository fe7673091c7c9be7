import type { FastifyError, FastifyInstance } from 'fastify';
import { isTransientDatabaseError } from '../db/connection.js';

/**
 * Errors that Ricochet means to show: the one typed value every feature throws,
 * mapped to HTTP in one place (registerErrorHandler). Anything else is a 500
 * whose details go to the log, never to the client.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, path?: string) => new AppError(400, 'bad_request', message, path);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>) =>
  new AppError(409, 'conflict', message, undefined, extra);
export const unauthorized = () => new AppError(401, 'unauthorized', 'A valid API key or session is required');

export interface ErrorBody {
  error: { code: string; message: string; path?: string; [key: string]: unknown };
}

/** "/listIds/0" of a body → "$.listIds[0]"; query ("query.limit", as Fastify's "querystring") and params keep their origin in front. */
function jsonPath(context: string | undefined, instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  const path = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  if (context === 'querystring') return `query${path}`;
  return context && context !== 'body' ? `${context}${path}` : `$${path}`;
}

export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message, ...error.extra } };
    if (error.path) body.error.path = error.path;
    return { status: error.status, body };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation?.length) {
    const first = fastifyError.validation[0]!;
    const { missingProperty: missing, additionalProperty: unknown } = first.params as { missingProperty?: string; additionalProperty?: string };
    const path = jsonPath(fastifyError.validationContext, first.instancePath, missing ?? unknown);
    const message = missing ? `${path} is required` : unknown ? `${path} is not a known property` : `${path} ${first.message ?? 'is invalid'}`;
    return { status: 400, body: { error: { code: 'invalid_request', message, path } } };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, wrong content type, body too large) carry safe messages.
    const code = (fastifyError.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return { status, body: { error: { code, message: fastifyError.message } } };
  }
  if (isTransientDatabaseError(error)) {
    return { status: 503, body: { error: { code: 'database_unavailable', message: 'The database is not answering right now; try again in a few seconds.' } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } } };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error);
    if (status === 503) {
      // A database restart or failover: said once per request, without a stack, and the client told when to retry.
      request.log.warn({ err: { message: (error as Error).message } }, 'database unavailable');
      reply.header('retry-after', '5');
    } else if (status >= 500) {
      // Not the whole error: a database's detail can quote the row (an email address in a unique violation).
      const { name, message, stack, code } = error as Error & { code?: string };
      request.log.error({ err: { name, message, code, stack } }, 'request failed');
    }
    reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });
}
