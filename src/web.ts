import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PUBLIC } from './http/access.js';
import type { Api } from './http/api.js';

/**
 * Where `vite build` puts the web app (see web/vite.config.ts): dist/web, which is ../dist/web from
 * this file as src/web.ts (tsx, tests) and ../web from it compiled as dist/server/web.js.
 */
export const WEB_BUILD_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/web' : '../web', import.meta.url));

/** Paths the single-page app never answers: the API and the public links that messages carry. */
const NOT_THE_APP = /^\/(api|t|s|u|v|healthz)(\/|$)/;

// Emails shown in previews may load remote images and fonts; scripts only ever come from Ricochet itself.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  'img-src * data: blob:',
  'font-src * data:',
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built web app: hashed assets cached for good, index.html never cached,
 * and index.html for any other page path so that the app's own router takes over.
 */
export async function webRoutes(app: Api, buildDir = WEB_BUILD_DIR): Promise<void> {
  const built = existsSync(`${buildDir}/index.html`);
  // The web app's files are public, declared once for this scope: its own pages sign in through the API.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, ...PUBLIC };
    });
    if (built) {
      await scope.register(fastifyStatic, {
        root: buildDir,
        wildcard: false,
        schemaHide: true,
        cacheControl: false,
        setHeaders(reply, path) {
          if (path.endsWith('.html')) {
            reply.header('cache-control', 'no-cache');
            reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
            reply.header('x-content-type-options', 'nosniff');
            reply.header('referrer-policy', 'same-origin');
          } else if (path.includes('/assets/')) {
            reply.header('cache-control', 'public, max-age=31536000, immutable');
          }
        },
      });
    }
    scope.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0]!;
      if (NOT_THE_APP.test(path) || !request.headers.accept?.includes('text/html')) return reply.callNotFound();
      if (!built) {
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The web app has not been built yet: run `npm run build:web` (npm start does it for you).');
      }
      return reply.sendFile('index.html');
    });
  });
}
