import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Config } from '../config.js';
import type { Store } from '../db/connection.js';

/** What every feature receives: the store, the configuration, the clock and the tracking secret. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Milliseconds since the epoch; tests replace it to move time. */
  now: () => number;
  /** Key for tracking tokens (HMAC-SHA256). */
  secret: Buffer;
}

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
