import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

// Real images, as Chromium's canvas encodes them (12 × 7), and the classic 1 × 1 GIF.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAwAAAAHCAYAAAA8sqwkAAAAK0lEQVR4AeTLMQ0AAAgDQdIZCRjDDDLRgItioAszn9z4iGoqk04FduzlsAAAAP//1mNG9QAAAAZJREFUAwBe9hxx7YwAagAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAHAAwDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAZEAEAAgMAAAAAAAAAAAAAAAAAAgQzgbH/xAAVAQEBAAAAAAAAAAAAAAAAAAAFBv/EABsRAAEFAQEAAAAAAAAAAAAAAAIAATVysgYH/9oADAMBAAIRAxEAPwCRVzx3xQAZ3cgFG0SoPP407vkV/9k=',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** Lossy (VP8) and lossless (VP8L) WebP in the simple file format: RIFF, WEBP, one chunk. */
const webp = (chunk: string, data: string) => {
  const payload = Buffer.from(data, 'base64');
  const body = Buffer.concat([Buffer.from(`WEBP${chunk}`, 'latin1'), le32(payload.length), payload, payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), le32(body.length), body]);
};
const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const WEBP_LOSSY = webp('VP8 ', 'EAMAnQEqDAAHAAFAJiWoAnS6AUACqAP4BlAH6AAhJYoAAP7L12HLBKD/H+3dT4f/Xo+b3t3U+H+SV/P/hFri3/7BxXfwi1xb/paAAA==');
const WEBP_LOSSLESS = webp('VP8L', 'LwuAAQAPcL/tczDfxnr+gwcCgQQhf5vpZojof2QB');

const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
const TEXT = Buffer.from('just some words, certainly not a picture\n');

const MB5 = 5 * 1024 * 1024;
/** A PNG of exactly `bytes` bytes: a real header, then padding. */
const pngOfSize = (bytes: number) => Buffer.concat([PNG.subarray(0, 33), Buffer.alloc(bytes - 33, 7)]);

async function upload(t: TestApp, bytes: Buffer, name: string, type = 'image/png', key = t.apiKey): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${t.baseUrl}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: response.status, body: await response.json() };
}

const stored = (t: TestApp) => {
  const dir = join(t.ctx.config.dataDir, 'media');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

/** GET with the path sent exactly as written (fetch would resolve `..`). */
function rawGet(t: TestApp, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeEachDatabase('media uploads', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'https://mail.shop.test/' });

  describe('checked by their content', () => {
    it.each([
      ['a PNG', PNG, 'image/png', '.png', 12, 7],
      ['a JPEG', JPEG, 'image/jpeg', '.jpg', 12, 7],
      ['a GIF', GIF, 'image/gif', '.gif', 1, 1],
      ['a lossy WebP', WEBP_LOSSY, 'image/webp', '.webp', 12, 7],
      ['a lossless WebP', WEBP_LOSSLESS, 'image/webp', '.webp', 12, 7],
    ] as const)('keeps %s, named after nothing the client said, with its size read from its header', async (_what, bytes, contentType, extension, width, height) => {
      const response = await upload(t, bytes, 'upload.bin', 'application/octet-stream');
      expect(response.status).toBe(201);
      const fileName = response.body.url.split('/').pop();
      expect(response.body).toMatchObject({ contentType, bytes: bytes.length, width, height, originalName: 'upload.bin' });
      expect(response.body.url).toBe(`https://mail.shop.test/media/${fileName}`);
      expect(fileName).toMatch(new RegExp(`^[0-9a-f]{32}\\${extension}$`));
      expect(Date.parse(response.body.createdAt)).toBeGreaterThan(0);
      expect(stored(t)).toContain(fileName);
    });

    it('stores a PNG named photo.gif and declared as a GIF as the PNG it is', async () => {
      const response = await upload(t, PNG, 'photo.gif', 'image/gif');
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ contentType: 'image/png', originalName: 'photo.gif', width: 12, height: 7 });
      expect(response.body.url).toMatch(/\.png$/);
    });

    it.each([
      ['an SVG', SVG, /SVG/],
      ['an HTML page', HTML, /HTML/],
      ['a text file', TEXT, /is text/],
    ] as const)('refuses %s named .png and declared as a PNG, saying what it is, and keeps nothing', async (_what, bytes, detected) => {
      const before = stored(t);
      const response = await upload(t, bytes, 'logo.png', 'image/png');
      expect(response.status).toBe(400);
      expect(response.body.error.path).toBe('file');
      expect(response.body.error.message).toMatch(detected);
      expect(response.body.error.message).toMatch(/PNG, JPEG, GIF or WebP/);
      expect(stored(t)).toEqual(before);
    });

    it('takes an image of exactly 5 MB and refuses one byte more with a JSON error, leaving no file behind', async () => {
      const exactly = await upload(t, pngOfSize(MB5), 'big.png');
      expect(exactly.status).toBe(201);
      expect(exactly.body.bytes).toBe(MB5);

      const before = stored(t);
      const rows = await t.ctx.store.db.selectFrom('media').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      const over = await upload(t, pngOfSize(MB5 + 1), 'bigger.png');
      expect(over.status).toBe(413);
      expect(over.body.error).toMatchObject({ code: 'file_too_large', path: 'file' });
      expect(over.body.error.message).toMatch(/5 MB/);
      expect(stored(t)).toEqual(before);
      const after = await t.ctx.store.db.selectFrom('media').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(rows.n));
    });

    it('answers 400 when the request has no file field', async () => {
      const form = new FormData();
      form.append('other', new Blob([new Uint8Array(PNG)]), 'a.png');
      const response = await fetch(`${t.baseUrl}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
      expect(response.status).toBe(400);
      expect((await response.json()).error.path).toBe('file');
      const json = await t.api('POST', '/api/media', { file: 'iVBORw0KGgo=' });
      expect(json.status).toBe(400);
    });
  });

  describe('served from PUBLIC_URL', () => {
    it('serves the same bytes, to anyone, with the stored type and caching for good, and records nothing', async () => {
      const events = async () => Number((await t.ctx.store.db.selectFrom('events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
      const before = await events();
      for (const bytes of [PNG, JPEG, GIF, WEBP_LOSSY]) {
        const { body } = await upload(t, bytes, 'picture');
        const response = await fetch(`${t.baseUrl}/media/${body.url.split('/').pop()}`);
        expect(response.status).toBe(200);
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
        expect(response.headers.get('content-type')).toBe(body.contentType);
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
      expect(await events()).toBe(before);
    });

    it('answers 404 for unknown, malformed and traversing names', async () => {
      const { body } = await upload(t, PNG, 'known.png');
      const known = body.url.split('/').pop() as string;
      // On disk but never recorded (put there by hand): not served either.
      const stray = 'aa'.repeat(16) + '.png';
      writeFileSync(join(t.ctx.config.dataDir, 'media', stray), PNG);
      writeFileSync(join(t.ctx.config.dataDir, 'secret.txt'), 'not for the public');
      for (const path of [
        `/media/${'0'.repeat(32)}.png`,
        `/media/${stray}`,
        `/media/${known.toUpperCase()}`,
        `/media/${known.replace('.png', '.gif')}`,
        `/media/${known}.png`,
        '/media/..%2Fsecret.txt',
        '/media/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
        '/media/../secret.txt',
        '/media/%2e%2e%2fsecret.txt',
        `/media/..%2Fmedia%2F${known}`,
      ]) {
        const response = await rawGet(t, path);
        expect([path, response.status]).toEqual([path, 404]);
        expect(response.body).not.toContain('not for the public');
      }
      expect((await rawGet(t, `/media/${known}`)).status).toBe(200);
    });
  });

  describe('the library', () => {
    it("lists the workspace's images newest first, never another workspace's", async () => {
      const other = await addWorkspace(t, 'Other brand');
      const theirs = await upload(t, GIF, 'theirs.gif', 'image/gif', other.key);
      expect(theirs.status).toBe(201);
      const mine = await upload(t, JPEG, 'mine.jpg');

      const page = await t.api('GET', '/api/media?limit=1000');
      expect(page.status).toBe(200);
      const ids = page.body.items.map((m: any) => m.id);
      expect(ids[0]).toBe(mine.body.id);
      expect(ids).not.toContain(theirs.body.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(page.body.total).toBe(ids.length);
      expect(page.body.items[0]).toEqual(mine.body);

      const first = await t.api('GET', '/api/media?limit=1');
      const next = await t.api('GET', `/api/media?limit=1&cursor=${first.body.nextCursor}`);
      expect(next.body.items[0].id).toBe(ids[1]);

      expect((await other.api('GET', '/api/media')).body.items.map((m: any) => m.id)).toEqual([theirs.body.id]);
      // Public all the same: a recipient of either workspace loads the image by its URL.
      expect((await fetch(`${t.baseUrl}/media/${theirs.body.url.split('/').pop()}`)).status).toBe(200);
    });

    it('lets a viewer look at the library but not upload', async () => {
      const viewer = await apiAs(t, 'viewer');
      expect((await viewer('GET', '/api/media')).status).toBe(200);
      const { key } = await addWorkspace(t, 'Viewer brand', 'viewer');
      expect((await upload(t, PNG, 'x.png', 'image/png', key)).status).toBe(403);
      expect((await fetch(`${t.baseUrl}/api/media`)).status).toBe(401);
    });
  });
});
