import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { EDIT, PUBLIC, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { storedIp } from '../http/clientAddress.js';
import { IdParams } from '../http/schemas.js';
import { PAGE_HEADERS } from '../tracking/pages.js';
import { confirm, describeConfirmation, type Confirmation } from './confirm.js';
import { countView, createForm, deleteForm, formBySlug, getForm, listForms, updateForm, workspaceForm } from './forms.js';
import { confirmationNotFoundPage, confirmedPage, confirmPage, expiredPage, formNotFoundPage, formPage, thankYouPage } from './pages.js';
import { Form, FormCreate, FormPatch, FormPreview } from './schemas.js';
import { SignupDesk, type Visitor } from './signup.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;
type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

/** Any site may post a form from its own page (the embed snippet, or its own script). */
const CORS = { 'access-control-allow-origin': '*' };

/**
 * Sign-up forms: the API inside the caller's workspace, and the public pages that reach a
 * form by its slug and a confirmation by its signed token, whatever their workspace.
 */
export function formRoutes(app: Api, ctx: AppContext): void {
  const tags = ['forms'];
  app.post('/api/forms', { config: EDIT, schema: { tags, summary: 'Create a sign-up form', body: FormCreate, response: { 201: Form } } }, async (req, reply) =>
    reply.status(201).send(await createForm(req.ctx, req.body)),
  );
  app.get('/api/forms', { config: READ, schema: { tags, summary: "The workspace's forms with their statistics", response: { 200: Type.Array(Form) } } }, (req) =>
    listForms(req.ctx),
  );
  app.get('/api/forms/:id', { config: READ, schema: { tags, params: IdParams, response: { 200: Form } } }, (req) => getForm(req.ctx, req.params.id));
  app.patch('/api/forms/:id', { config: EDIT, schema: { tags, params: IdParams, body: FormPatch, response: { 200: Form } } }, (req) =>
    updateForm(req.ctx, req.params.id, req.body),
  );
  app.delete('/api/forms/:id', { config: EDIT, schema: { tags, summary: 'Delete a form: its page and confirmation links stop working', params: IdParams } }, async (req, reply) => {
    await deleteForm(req.ctx, req.params.id);
    return reply.status(204).send();
  });
  app.get(
    '/api/forms/:id/preview',
    { config: READ, schema: { tags, summary: "The hosted page's HTML, for a preview (counts no view)", params: IdParams, response: { 200: FormPreview } } },
    async (req) => ({ html: formPage(ctx, await workspaceForm(req.ctx, req.params.id)) }),
  );

  const desk = new SignupDesk(ctx);
  const visitor = (req: FastifyRequest): Visitor => ({ ip: storedIp(req.ip, ctx.config.keepFullIp), userAgent: req.headers['user-agent'] ?? null });
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).headers(PAGE_HEADERS).send(body);

  app.get('/f/:slug', { config: PUBLIC, schema: { tags, summary: 'The hosted form (works without JavaScript); counts a view' } }, async (req: SlugRequest, reply) => {
    const form = await formBySlug(ctx, req.params.slug);
    if (!form) return html(reply, 404, formNotFoundPage());
    if (req.method === 'GET') await countView(ctx, form.id);
    return html(reply, 200, formPage(ctx, form));
  });

  app.options('/f/:slug', { config: PUBLIC, schema: { tags, summary: "CORS preflight: another site's script may post the form" } }, (_req, reply) =>
    reply
      .code(204)
      .headers({ ...CORS, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '86400' })
      .send(),
  );

  app.get('/c/:token', { config: PUBLIC, schema: { tags, summary: 'Confirmation page with a Confirm button (a GET confirms nothing)' } }, async (req: TokenRequest, reply) =>
    confirmationAnswer(reply, req.params.token, await describeConfirmation(ctx, req.params.token)),
  );

  // Form-encoded bodies (a plain HTML form's post) are parsed here only; JSON uses Fastify's own parser.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
      done(null, new URLSearchParams(body as string)),
    );

    scope.post(
      '/f/:slug',
      { config: PUBLIC, bodyLimit: 64 * 1024, schema: { tags, summary: 'Sign up (form-encoded or JSON): the same thank-you whoever posts' } },
      async (req: SlugRequest, reply) => {
        const json = !(req.body instanceof URLSearchParams);
        reply.headers(CORS);
        const form = await formBySlug(ctx, req.params.slug);
        if (!form) {
          return json ? reply.code(404).send({ error: { code: 'not_found', message: 'Form not found' } }) : html(reply, 404, formNotFoundPage());
        }
        const outcome = await desk.post(form, req.body, visitor(req));
        if (outcome.kind === 'thanks') return json ? { ok: true, message: form.messages.thankYou } : html(reply, 200, thankYouPage(form));
        if (json) {
          const [path, message] = Object.entries(outcome.errors)[0]!;
          return reply.code(400).send({ ok: false, error: { code: 'invalid_form', message, path: `$.${path}` }, errors: outcome.errors });
        }
        return html(reply, 400, formPage(ctx, form, { typed: outcome.typed, errors: outcome.errors, token: outcome.token }));
      },
    );

    scope.post(
      '/c/:token',
      { config: PUBLIC, bodyLimit: 64 * 1024, schema: { tags, summary: 'Confirm a sign-up: subscribes, adds to the lists, records the consent' } },
      async (req: TokenRequest, reply) => {
        const shown = req.body instanceof URLSearchParams ? (req.body.get('shown') ?? undefined) : (req.body as { shown?: unknown } | undefined)?.shown;
        const outcome = await confirm(ctx, req.params.token, typeof shown === 'string' ? shown : undefined, visitor(req));
        return confirmationAnswer(reply, req.params.token, outcome);
      },
    );
  });

  function confirmationAnswer(reply: FastifyReply, token: string, outcome: Confirmation) {
    switch (outcome.kind) {
      case 'unknown':
        return html(reply, 404, confirmationNotFoundPage());
      case 'expired':
        return html(reply, 410, expiredPage(outcome.form));
      case 'ask':
        return html(reply, 200, confirmPage(outcome.form, token, outcome.email));
      case 'confirmed':
        return html(reply, 200, confirmedPage(outcome.form));
    }
  }
}
