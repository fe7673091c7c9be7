import type { FastifyReply, FastifyRequest } from 'fastify';
import { EDIT, PUBLIC, READ } from '../http/access.js';
import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { badRequest } from '../http/errors.js';
import { IdParams, Page } from '../http/schemas.js';
import { listUnmatchedReports, recordBounce, recordInboundEmail } from './bounces.js';
import { foldFailed, startFolder } from './fold.js';
import { startIngestion, type Hit } from './ingest.js';
import { storedIp } from '../http/clientAddress.js';
import { linkNotFoundPage, PAGE_HEADERS, PIXEL, preferencePage, preferencesSavedPage, tryAgainPage, unsubscribeConfirmPage, unsubscribedPage } from './pages.js';
import { BounceResult, BounceWebhook, CampaignStats, InboundResult, UnmatchedQuery, UnmatchedReport } from './schemas.js';
import { campaignStats } from './stats.js';
import { verifyToken } from './tokens.js';
import { preferences, saveTokenPreferences, unsubscribe, unsubscribeReason, type Preferences } from './unsubscribe.js';

const PIXEL_HEADERS = { 'content-type': 'image/gif', 'content-length': String(PIXEL.length), 'cache-control': 'no-store' };
const SHORT_CODE = /^[0-9A-Za-z]{7,32}$/;

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

/** A form-encoded body's fields (bytes from this scope's parser, or already parsed); other bodies (multipart, none) have none. */
function formFields(body: unknown): URLSearchParams {
  if (Buffer.isBuffer(body)) return new URLSearchParams(body.toString('utf8'));
  if (typeof body === 'string') return new URLSearchParams(body);
  const fields = new URLSearchParams();
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string' || typeof one === 'number') fields.append(key, String(one));
    }
  }
  return fields;
}
const ids = (values: string[]) => values.filter((v) => /^[1-9][0-9]{0,14}$/.test(v)).map(Number);

/**
 * Public tracking routes (/t/o, /t/c, /s, /u), which reach messages by signed token whatever
 * their workspace; bounce/complaint webhooks and campaign stats, inside the caller's workspace
 * (reports change delivery state: the edit right).
 */
export function trackingRoutes(app: Api, ctx: AppContext): void {
  const folder = startFolder(ctx, (error) => foldFailed(app.log, error));
  const ingestion = startIngestion(ctx, folder.kick);
  // Fastify runs this on close (SIGTERM): every hit already received is committed before the process exits.
  app.addHook('onClose', async () => {
    await ingestion.close();
    await folder.close();
  });

  const hit = (req: FastifyRequest, type: Hit['type'], anonymous: boolean, subjectId: number, link?: Hit['link']): Hit => ({
    type,
    anonymous,
    subjectId,
    link,
    head: req.method === 'HEAD',
    userAgent: req.headers['user-agent'] ?? null,
    ip: storedIp(req.ip, ctx.config.keepFullIp),
    at: ctx.now(),
  });
  const notFoundPage = (reply: FastifyReply) => reply.code(404).headers(PAGE_HEADERS).send(linkNotFoundPage());
  const redirect = async (req: FastifyRequest, reply: FastifyReply, tracked: Hit) => {
    let outcome;
    try {
      outcome = await ingestion.record(tracked);
    } catch (error) {
      // Never redirect a click that was not recorded.
      req.log.error({ err: error }, 'click not recorded');
      return reply.code(503).headers({ ...PAGE_HEADERS, 'retry-after': '5' }).send(tryAgainPage());
    }
    if (!outcome.target) return notFoundPage(reply);
    return reply.code(302).headers({ location: outcome.target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send();
  };
  const tags = ['tracking'];

  app.get('/t/o/:token', { config: PUBLIC, schema: { tags, summary: 'Open pixel: always the GIF; records an open for a genuine token' } }, async (req: TokenRequest, reply) => {
    const claims = verifyToken(ctx.secret, req.params.token);
    if (claims?.purpose === 'open') {
      try {
        await ingestion.record(hit(req, 'open', claims.anonymous, claims.subjectId));
      } catch (error) {
        req.log.error({ err: error }, 'open not recorded');
      }
    }
    return reply.headers(PIXEL_HEADERS).send(PIXEL);
  });

  app.get('/t/c/:token', { config: PUBLIC, schema: { tags, summary: "Tracked link: 302 to the link's stored URL, or a 404 page" } }, (req: TokenRequest, reply) => {
    const claims = verifyToken(ctx.secret, req.params.token);
    if (claims?.purpose !== 'click' || claims.link === 0) return notFoundPage(reply);
    return redirect(req, reply, hit(req, 'click', claims.anonymous, claims.subjectId, { position: claims.link }));
  });

  app.get('/s/:code', { config: PUBLIC, schema: { tags, summary: 'SMS short link: same as a tracked link' } }, async (req: FastifyRequest<{ Params: { code: string } }>, reply) => {
    if (!SHORT_CODE.test(req.params.code)) return notFoundPage(reply);
    const short = await ctx.store.db.selectFrom('sms_short_links').selectAll().where('code', '=', req.params.code).executeTakeFirst();
    if (!short) return notFoundPage(reply);
    const anonymous = short.message_id === null;
    return redirect(req, reply, hit(req, 'click', anonymous, short.message_id ?? short.campaign_id, { id: short.link_id }));
  });

  const preferencesPage = (token: string, found: Preferences) =>
    found.lists.length
      ? preferencePage(token, found.target.sender, found.lists, found.status === 'unsubscribed' || found.status === 'complained')
      : unsubscribeConfirmPage(token, found.target.sender, found.target.channel);

  app.get(
    '/u/:token',
    { config: PUBLIC, schema: { tags, summary: "Preference page: the workspace's lists on it and Unsubscribe from all (a GET changes nothing)" } },
    async (req: TokenRequest, reply) => {
      const found = await preferences(ctx, req.params.token);
      if (!found) return notFoundPage(reply);
      return reply.headers(PAGE_HEADERS).send(preferencesPage(req.params.token, found));
    },
  );

  // Its own scope: the form and RFC 8058 bodies, and raw messages, need parsers the JSON API does not.
  app.register(async (scope) => {
    for (const type of ['application/x-www-form-urlencoded', 'message/rfc822', 'application/octet-stream']) {
      if (!scope.hasContentTypeParser(type)) scope.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    }

    scope.post(
      '/u/:token',
      {
        config: PUBLIC,
        schema: {
          tags,
          summary:
            'Unsubscribe from all (RFC 8058 one-click: body List-Unsubscribe=One-Click; optional reason, reasonText), or with action=save the lists chosen on the preference page (list, offered)',
        },
      },
      async (req: TokenRequest, reply) => {
        const form = formFields(req.body);
        if (form.get('action') === 'save' && !form.has('List-Unsubscribe')) {
          const saved = await saveTokenPreferences(ctx, req.params.token, ids(form.getAll('offered')), ids(form.getAll('list')));
          if (!saved) return notFoundPage(reply);
          // Nothing left to choose (the lists were taken off the page meanwhile, or an SMS token): the page as a GET would show it.
          if (!saved.lists.length) return reply.headers(PAGE_HEADERS).send(preferencesPage(req.params.token, saved));
          return reply.headers(PAGE_HEADERS).send(preferencesSavedPage(req.params.token, saved.target.sender, saved.lists));
        }
        const target = await unsubscribe(ctx, req.params.token, {
          userAgent: req.headers['user-agent'] ?? null,
          ip: storedIp(req.ip, ctx.config.keepFullIp),
          reason: unsubscribeReason(form.get('reason'), form.get('reasonText')),
        });
        if (!target) return notFoundPage(reply);
        return reply.headers(PAGE_HEADERS).send(unsubscribedPage(target.sender, target.channel));
      },
    );

    scope.post(
      '/api/webhooks/inbound-email',
      {
        config: EDIT,
        schema: {
          tags: ['webhooks'],
          summary: 'A raw bounce (DSN, RFC 3464) or complaint (ARF, RFC 5965), sent as message/rfc822',
          response: { 200: InboundResult },
        },
      },
      async (req) => {
        const raw = req.body;
        if (!(Buffer.isBuffer(raw) || typeof raw === 'string') || raw.length === 0) {
          throw badRequest('The body must be the raw message, sent as Content-Type: message/rfc822', '$');
        }
        return recordInboundEmail(req.ctx, raw);
      },
    );
  });

  app.post(
    '/api/webhooks/bounces',
    {
      config: EDIT,
      schema: { tags: ['webhooks'], summary: 'A bounce or complaint named by message id or address', body: BounceWebhook, response: { 200: BounceResult } },
    },
    (req) => recordBounce(req.ctx, req.body),
  );

  app.get(
    '/api/reports/unmatched',
    {
      config: READ,
      schema: {
        tags: ['webhooks'],
        summary: 'Bounce and complaint reports that named no message we sent: kept, applied to nobody; newest first',
        querystring: UnmatchedQuery,
        response: { 200: Page(UnmatchedReport) },
      },
    },
    (req) => listUnmatchedReports(req.ctx, req.query),
  );

  app.get(
    '/api/campaigns/:id/stats',
    { config: READ, schema: { tags: ['campaigns'], summary: 'Overview metrics, links, timeline and breakdown', params: IdParams, response: { 200: CampaignStats } } },
    (req) => campaignStats(req.ctx, req.params.id),
  );
}
