import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifySchema, type RouteOptions } from 'fastify';
import { audienceRoutes } from './audience/routes.js';
import { auditRoutes } from './audit/routes.js';
import { registerApiGuard } from './auth/guard.js';
import { sessionRoutes } from './auth/routes.js';
import { campaignRoutes } from './campaigns/routes.js';
import { importRoutes } from './contacts/importRoutes.js';
import { contactRoutes, listRoutes } from './contacts/routes.js';
import { deliveryRoutes } from './delivery/routes.js';
import { domainRoutes } from './domains/routes.js';
import { erasureRoutes } from './erasure/routes.js';
import { databaseAnswers } from './db/connection.js';
import { PUBLIC, type Access } from './http/access.js';
import type { AppContext } from './context.js';
import type { Api } from './http/api.js';
import { registerErrorHandler } from './http/errors.js';
import { logRequests, loggerOptions, type LogStream } from './http/logging.js';
import { ErrorResponse } from './http/schemas.js';
import { validatorCompiler } from './http/validation.js';
import { trackingRoutes } from './tracking/routes.js';
import { foldStatus } from './tracking/fold.js';
import { webRoutes } from './web.js';
import { workspaceRoutes } from './workspaces/routes.js';
import { designRoutes } from './designs/routes.js';
import { formRoutes } from './forms/routes.js';
import { mediaRoutes } from './media/routes.js';
import { templateRoutes } from './templates/routes.js';

export interface AppOptions {
  logger?: boolean;
  /** Called for every route as it is registered (the route audit test lists them this way). */
  onRoute?: (route: RouteOptions) => void;
  /** The built web app's folder (tests serve a stand-in); by default dist/web. */
  webBuildDir?: string;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: LogStream;
}

/** The HTTP face of Ricochet: API, public tracking routes and the web app, one Fastify instance. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<Api> {
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(ctx.config.logLevel, options.logStream),
    // Its lines hold full URLs (tokens) and client addresses: logRequests writes what may be kept instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A hop count is accepted at run time, though Fastify's types omit it.
    trustProxy: ctx.config.trustProxy as boolean | string[],
    bodyLimit: 5 * 1024 * 1024,
    // /api/contacts/, //api/contacts and /api//contacts are the same route (and so as private).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandler(app);
  logRequests(app);
  await app.register(swagger, {
    openapi: {
      // 3.1 schemas are JSON Schema 2020-12, what TypeBox writes (tuples, numeric exclusiveMinimum, type null).
      openapi: '3.1.0',
      info: {
        title: 'Ricochet API',
        version: '1',
        description:
          'Email and SMS campaigns with per-recipient behavioral tracking and retargeting. An API key acts in its own workspace with its role; ' +
          'a signed-in session names its workspace with the `X-Workspace: <id>` header (by default its first). Each operation needs the right ' +
          'that ends its description (read, edit, send, export, manage): 403 `forbidden` beyond the role, 404 for an object of another workspace.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    // Components are named after their schema's $id (Contact, Filter, Error…), not def-0, def-1….
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => ({ url, schema: documentedSchema(schema, route.config?.access) }),
    transformObject: (document) => ('openapiObject' in document ? plainReferences(document.openapiObject) : document.swaggerObject),
  });
  app.addSchema(ErrorResponse);
  await app.register(multipart, { limits: { fileSize: ctx.config.maxUploadBytes, files: 1 } });
  registerApiGuard(app, ctx);

  app.get('/api/openapi.json', { config: PUBLIC, schema: { hide: true } }, () => app.swagger());
  // 503 while the database does not answer (restart, failover): for a load balancer's readiness check, not a reason to restart.
  // `tracking`: events committed and not yet folded into counters, and how long the oldest has waited.
  app.get('/healthz', { config: PUBLIC, schema: { hide: true } }, async (_req, reply) =>
    (await databaseAnswers(ctx.store))
      ? { ok: true, database: 'available', tracking: await foldStatus(ctx).catch(() => null) }
      : reply.code(503).send({ ok: false, database: 'unavailable' }),
  );
  contactRoutes(app);
  erasureRoutes(app);
  listRoutes(app);
  importRoutes(app);
  campaignRoutes(app);
  deliveryRoutes(app, ctx);
  trackingRoutes(app, ctx);
  audienceRoutes(app);
  sessionRoutes(app, ctx);
  workspaceRoutes(app, ctx);
  domainRoutes(app);
  auditRoutes(app);
  designRoutes(app, ctx);
  mediaRoutes(app, ctx);
  templateRoutes(app, ctx);
  formRoutes(app, ctx);
  await webRoutes(app, options.webBuildDir);
  return app;
}

/**
 * A route's schema as the OpenAPI document shows it (what is validated and sent is unchanged):
 * a public route needs no credentials (`security: []`), a private one says which right it needs,
 * and a body or response that is a named schema (`$id`) is wrapped so that the document refers to
 * its component instead of copying it.
 */
function documentedSchema(schema: FastifySchema | undefined, access: Access | undefined): FastifySchema {
  const isPublic = access === 'public';
  const needs = access === undefined ? 'Owners only.' : access === 'account' ? 'Any signed-in user or API key.' : `Right: ${access}.`;
  const description = (schema as { description?: string } | undefined)?.description;
  const named = (part: unknown) => (part && typeof part === 'object' && '$id' in part ? { allOf: [part] } : part);
  const response = schema?.response as Record<string, unknown> | undefined;
  return {
    ...schema,
    ...(isPublic ? { security: [] } : { description: description ? `${description}\n\n${needs}` : needs }),
    ...(schema?.body !== undefined && { body: named(schema.body) }),
    ...(response && { response: Object.fromEntries(Object.entries(response).map(([code, part]) => [code, named(part)])) }),
  };
}

/** `{ allOf: [{ $ref }] }` left by documentedSchema becomes the plain `{ $ref }` that client generators name their types by. */
function plainReferences<T extends object>(document: T): T {
  type Schema = { allOf?: Schema[]; $ref?: string };
  type Content = Record<string, { schema?: Schema }> | undefined;
  type Operation = { requestBody?: { content?: Content }; responses?: Record<string, { content?: Content }> };
  const isOnly = (schema: Schema, key: keyof Schema) => Object.keys(schema).length === 1 && key in schema;
  const plain = (content: Content) => {
    for (const media of Object.values(content ?? {})) {
      const only = media.schema && isOnly(media.schema, 'allOf') && media.schema.allOf!.length === 1 ? media.schema.allOf![0]! : undefined;
      if (only && isOnly(only, '$ref')) media.schema = only;
    }
  };
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      plain(operation.requestBody?.content);
      for (const response of Object.values(operation.responses ?? {})) plain(response.content);
    }
  }
  return document;
}
