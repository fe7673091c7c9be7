import SwaggerParser from '@apidevtools/swagger-parser';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

interface Operation {
  tags?: string[];
  security?: unknown[];
  description?: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

describe('The OpenAPI document at /api/openapi.json', () => {
  let t: TestApp;
  let document: Document;
  const routes: RouteOptions[] = [];
  beforeAll(async () => {
    t = await startTestApp('sqlite', {}, { onRoute: (route) => void routes.push(route) });
    const response = await fetch(`${t.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  // The documented routes, as the document spells them: GET /t/o/{token}.
  const documented = (route: RouteOptions) => route.method !== 'HEAD' && !route.schema?.hide;
  const documentedPath = (route: RouteOptions) => route.url.replace(/:(\w+)/g, '{$1}');

  it('is OpenAPI 3.1 and valid for a maintained validator', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    // validate() dereferences in place: it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('names its components after their schemas, and the routes refer to them', () => {
    const names = Object.keys(document.components.schemas);
    expect(names).toEqual(expect.arrayContaining(['Contact', 'Campaign', 'Filter', 'Error', 'List', 'Recipient', 'SavedView', 'Session', 'UnmatchedReport']));
    expect(names.filter((name) => name.startsWith('def-'))).toEqual([]);
    const json = (path: string, method: string, code: string) => document.paths[path]![method]!.responses[code]!.content!['application/json']!.schema;
    expect(json('/api/contacts/{id}', 'get', '200')).toEqual({ $ref: '#/components/schemas/Contact' });
    expect(json('/api/campaigns', 'post', '201')).toEqual({ $ref: '#/components/schemas/Campaign' });
  });

  it('gives every operation a tag', () => {
    expect(operations().length).toBeGreaterThan(40);
    expect(operations().filter(({ operation }) => !operation.tags?.length).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('says that the public routes need no credentials, and the others the API key', () => {
    const isPublic = (route: RouteOptions) => route.config?.access === 'public';
    const publicOperations = routes.filter((r) => documented(r) && isPublic(r)).map((r) => `${String(r.method).toLowerCase()} ${documentedPath(r)}`);
    expect(publicOperations).toEqual(expect.arrayContaining(['get /t/o/{token}', 'get /t/c/{token}', 'get /s/{code}', 'post /u/{token}', 'post /api/session']));
    for (const { path, method, operation } of operations()) {
      const key = `${method} ${path}`;
      if (publicOperations.includes(key)) expect({ key, security: operation.security }).toEqual({ key, security: [] });
      else expect({ key, security: operation.security }).toEqual({ key, security: undefined });
    }
    expect(document).toMatchObject({ security: [{ apiKey: [] }] });
  });

  it('ends the description of every private operation with the right it needs', () => {
    const descriptions = Object.fromEntries(operations().map(({ path, method, operation }) => [`${method} ${path}`, operation.description]));
    expect(descriptions['post /api/campaigns/{id}/send']).toMatch(/\n?Right: send\.$/);
    expect(descriptions['post /api/campaigns/{id}/recipients/export']).toMatch(/Right: export\.$/);
    expect(descriptions['get /api/contacts']).toMatch(/Right: read\.$/);
    expect(descriptions['get /api/workspaces']).toBe('Any signed-in user or API key.');
    expect(descriptions['post /api/session']).toBeUndefined();
    for (const { path, method, operation } of operations()) {
      if (operation.security === undefined) expect({ key: `${method} ${path}`, description: operation.description }).toMatchObject({ description: expect.stringMatching(/(Right: \w+|Any signed-in user or API key|Owners only)\.$/) });
    }
  });
});
