import { Type } from '@sinclair/typebox';
import { PUBLIC, READ } from '../http/access.js';
import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { listOutbox, outboxContentType, outboxMessage, readOutboxMessage } from './outboxListing.js';
import { OutboxEntry, OutboxQuery } from './schemas.js';
import { viewOnline } from './viewOnline.js';

/**
 * Campaign HTML that the server itself shows to a browser runs nothing: no script, no form,
 * an opaque origin (sandbox without allow-scripts or allow-same-origin), so a template cannot
 * act as the signed-in user. Links still open; images, styles and fonts load from anywhere.
 */
const MESSAGE_HEADERS = {
  'content-security-policy':
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline' *; font-src * data:; " +
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>' +
  '<body><h1>This message is no longer available</h1></body></html>';

/** The local outbox (GET /api/outbox) and the public view-online page (GET /v/:token). */
export function deliveryRoutes(app: Api, ctx: AppContext): void {
  const tags = ['outbox'];
  app.get(
    '/api/outbox',
    {
      config: READ,
      schema: {
        tags,
        description:
          "The workspace's mail and SMS captured while SMTP_URL (or SMPP_URL) is unset, newest first: `limit` from `offset`, searched in recipient and subject (an SMS's text), or of one campaign.",
        querystring: OutboxQuery,
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(OutboxEntry) }) },
      },
    },
    (req) => listOutbox(req.ctx, req.query),
  );
  app.get(
    '/api/outbox/:name',
    {
      config: READ,
      schema: {
        tags,
        description: 'One captured message: the raw .eml or .sms.txt, or with ?format=json its headers, HTML and text to show, in which nothing records an event (the open pixel is blank, tracked links and SMS short links point straight at their destination).',
        params: Type.Object({ name: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('eml'), Type.Literal('json')])) }),
      },
    },
    async (req, reply) => {
      if (req.query.format === 'json') return reply.headers(MESSAGE_HEADERS).send(await outboxMessage(req.ctx, req.params.name));
      const raw = await readOutboxMessage(req.ctx, req.params.name);
      return reply.headers(MESSAGE_HEADERS).type(outboxContentType(req.params.name)).header('content-disposition', `attachment; filename="${req.params.name}"`).send(raw);
    },
  );

  const view = viewOnline(ctx);
  app.get('/v/:token', { config: PUBLIC, schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 100 }) }) } }, async (req, reply) => {
    const html = await view(req.params.token);
    reply
      .headers(MESSAGE_HEADERS)
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .type('text/html; charset=utf-8');
    return html === undefined ? reply.status(404).send(NOT_FOUND_PAGE) : reply.send(html);
  });
}
