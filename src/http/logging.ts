import type { FastifyInstance, FastifyRequest } from 'fastify';
import { storedIp } from './clientAddress.js';

/** Where log lines go instead of stdout (tests read them). */
export interface LogStream {
  write(line: string): void;
}

// The public links that messages carry have tokens in their paths; a client is only ever named by its network.
const clientNetwork = (request: Pick<FastifyRequest, 'ip'>) => storedIp(request.ip, false);

/**
 * Fastify's logger: whatever logs a request (`{ req }`) gets its method, route
 * pattern and the client's network, never its URL, headers or full address.
 */
export function loggerOptions(level: string, stream?: LogStream) {
  return {
    level,
    stream,
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, route: request.routeOptions?.url ?? null, remoteAddress: clientNetwork(request) ?? undefined }),
    },
  };
}

/**
 * One line per API request at info: method, route pattern, status and time.
 * Other requests (the links in messages, the web app, health checks) only at
 * debug, so that the default log holds nothing about who opened or clicked what.
 * Fastify's own request logging is turned off (disableRequestLogging): it writes URLs and full addresses.
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (request.routeOptions.url?.startsWith('/api/')) request.log.info(line, 'request');
    else request.log.debug({ ...line, remoteAddress: clientNetwork(request) }, 'request');
  });
}
