import { Value } from '@sinclair/typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';
import { Design } from '../designs/schema.js';

const PUBLIC_URL = 'https://go.shop.test';

const design = (headline: string): Design => ({
  version: 1,
  style: { linkColor: '#0f766e' },
  rows: [{ columns: [{ blocks: [{ type: 'heading', text: headline }, { type: 'button', label: 'Read more', href: 'https://shop.test/news' }, { type: 'footer' }] }] }],
});

describeEachDatabase('email templates', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL });
  let listId: number;
  const campaign = (extra: object) => ({ name: 'From a template', subject: 'News', fromEmail: 'news@shop.test', listIds: [listId], ...extra });

  beforeAll(async () => {
    listId = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
  });

  describe('the starters', () => {
    it('lists the four starters first, each a real design with its images under PUBLIC_URL, read-only', async () => {
      const { status, body } = await t.api('GET', '/api/templates');
      expect(status).toBe(200);
      const starters = body.items.slice(0, 4);
      expect(starters.map((s: any) => [s.id, s.kind])).toEqual([
        ['starter-newsletter', 'starter'],
        ['starter-promotion', 'starter'],
        ['starter-announcement', 'starter'],
        ['starter-letter', 'starter'],
      ]);
      for (const starter of starters) {
        expect(Value.Check(Design, starter.design), starter.id).toBe(true);
        expect(starter.design.rows.flatMap((r: any) => r.columns.flatMap((c: any) => c.blocks)).length, starter.id).toBeGreaterThan(2);
        expect(starter).toMatchObject({ html: null, createdAt: null, updatedAt: null, name: expect.any(String), description: expect.any(String) });
        const images = starter.design.rows.flatMap((r: any) => r.columns.flatMap((c: any) => c.blocks.filter((b: any) => b.type === 'image')));
        for (const image of images) expect(image.src.startsWith(`${PUBLIC_URL}/`), image.src).toBe(true);
      }
      expect((await t.api('GET', '/api/templates/starter-promotion')).body).toEqual(starters[1]);
      expect((await t.api('GET', '/api/templates/starter-nothing')).status).toBe(404);

      const patch = await t.api('PATCH', '/api/templates/starter-letter', { name: 'Mine now' });
      expect(patch.status).toBe(400);
      expect(patch.body.error.message).toMatch(/built in/);
      expect((await t.api('DELETE', '/api/templates/starter-letter')).status).toBe(400);
    });

    it('starts a campaign from a starter: a copy of its design, compiled', async () => {
      const starter = (await t.api('GET', '/api/templates/starter-newsletter')).body;
      const created = await t.api('POST', '/api/campaigns', campaign({ templateId: 'starter-newsletter' }));
      expect(created.status).toBe(201);
      expect(created.body.design).toEqual(starter.design);
      expect(created.body.html).toContain('<!doctype html>');
      expect(created.body.html).toContain(`${PUBLIC_URL}/starters/`);
    });
  });

  describe('saved templates', () => {
    it('saves a design, HTML, or the content of a campaign, lists them after the starters and records each', async () => {
      const fromDesign = await t.api('POST', '/api/templates', { name: 'Monthly news', design: design('This month') });
      expect(fromDesign.status).toBe(201);
      expect(fromDesign.body).toMatchObject({ kind: 'saved', name: 'Monthly news', description: null, design: design('This month'), html: null });
      expect(typeof fromDesign.body.id).toBe('number');

      const fromHtml = await t.api('POST', '/api/templates', { name: 'Plain', html: '<p>Hello {{ contact.firstName }}</p>' });
      expect(fromHtml.body).toMatchObject({ design: null, html: '<p>Hello {{ contact.firstName }}</p>' });

      const designed = (await t.api('POST', '/api/campaigns', campaign({ design: design('From a campaign') }))).body;
      const fromDesigned = await t.api('POST', '/api/templates', { name: 'Saved from a campaign', campaignId: designed.id });
      expect(fromDesigned.status).toBe(201);
      expect(fromDesigned.body).toMatchObject({ design: design('From a campaign'), html: null });

      const handWritten = (await t.api('POST', '/api/campaigns', campaign({ html: '<p>By hand</p>' }))).body;
      expect((await t.api('POST', '/api/templates', { name: 'Hand', campaignId: handWritten.id })).body).toMatchObject({ design: null, html: '<p>By hand</p>' });

      const list = (await t.api('GET', '/api/templates')).body.items;
      expect(list.slice(4).map((x: any) => x.name)).toEqual(['Hand', 'Saved from a campaign', 'Plain', 'Monthly news']);
      expect((await t.api('GET', `/api/templates/${fromDesign.body.id}`)).body).toEqual(fromDesign.body);

      const audit = (await t.api('GET', '/api/audit')).body.items.filter((e: any) => e.action === 'template.create');
      expect(audit.map((e: any) => [e.objectId, e.details.name])).toEqual([
        [list[4].id, 'Hand'],
        [fromDesigned.body.id, 'Saved from a campaign'],
        [fromHtml.body.id, 'Plain'],
        [fromDesign.body.id, 'Monthly news'],
      ]);
      expect(audit[1].details).toMatchObject({ campaignId: designed.id, content: 'design' });
    });

    it('refuses a template with no content, two contents, a wrong design or an SMS campaign', async () => {
      const none = await t.api('POST', '/api/templates', { name: 'Empty' });
      expect(none.status).toBe(400);
      const two = await t.api('POST', '/api/templates', { name: 'Two', html: '<p>x</p>', design: design('x') });
      expect(two.status).toBe(400);
      expect(two.body.error.message).toMatch(/\$\.design and \$\.html/);
      const wrong = design('x');
      (wrong.rows[0]!.columns[0]!.blocks[1] as { href: string }).href = '';
      expect((await t.api('POST', '/api/templates', { name: 'Wrong', design: wrong })).body.error.path).toBe('$.design.rows[0].columns[0].blocks[1].href');
      const badLiquid = await t.api('POST', '/api/templates', { name: 'Broken tag', html: '<p>{{ contact.firstName </p>' });
      expect(badLiquid.status).toBe(400);
      expect(badLiquid.body.error.path).toBe('$.html');
      const sms = (await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash', body: 'Sale', senderId: 'SHOP', listIds: [] })).body;
      expect((await t.api('POST', '/api/templates', { name: 'SMS', campaignId: sms.id })).body.error.path).toBe('$.campaignId');
      expect((await t.api('POST', '/api/templates', { name: 'Nothing', campaignId: 999_999 })).status).toBe(404);
    });

    it('renames a template, replaces its content, deletes it, and records each change', async () => {
      const { body: template } = await t.api('POST', '/api/templates', { name: 'Draft', design: design('First') });
      const renamed = await t.api('PATCH', `/api/templates/${template.id}`, { name: 'Final' });
      expect(renamed.body).toMatchObject({ name: 'Final', design: design('First') });
      const toHtml = await t.api('PATCH', `/api/templates/${template.id}`, { html: '<p>Now HTML</p>' });
      expect(toHtml.body).toMatchObject({ design: null, html: '<p>Now HTML</p>' });
      const toDesign = await t.api('PATCH', `/api/templates/${template.id}`, { design: design('Second') });
      expect(toDesign.body).toMatchObject({ design: design('Second'), html: null });
      expect((await t.api('PATCH', `/api/templates/${template.id}`, { design: design('x'), html: '<p>x</p>' })).status).toBe(400);

      expect((await t.api('DELETE', `/api/templates/${template.id}`)).status).toBe(204);
      expect((await t.api('GET', `/api/templates/${template.id}`)).status).toBe(404);
      expect((await t.api('DELETE', `/api/templates/${template.id}`)).status).toBe(404);

      const audit = (await t.api('GET', '/api/audit')).body.items.filter((e: any) => e.objectType === 'template' && e.objectId === template.id);
      expect(audit.map((e: any) => e.action)).toEqual(['template.delete', 'template.update', 'template.update', 'template.update', 'template.create']);
      expect(audit[3].details).toMatchObject({ previousName: 'Draft', name: 'Final', changed: ['name'] });
    });

    it('starts a campaign from a saved design or HTML template: a copy that later template edits leave alone', async () => {
      const { body: designed } = await t.api('POST', '/api/templates', { name: 'Designed', design: design('Hello {{ contact.firstName }}') });
      const fromDesigned = await t.api('POST', '/api/campaigns', campaign({ templateId: designed.id }));
      expect(fromDesigned.status).toBe(201);
      expect(fromDesigned.body.design).toEqual(design('Hello {{ contact.firstName }}'));
      expect(fromDesigned.body.html).toContain('Hello {{ contact.firstName }}');

      const { body: written } = await t.api('POST', '/api/templates', { name: 'Written', html: '<p>Plain {{ contact.firstName }}</p>' });
      const fromWritten = await t.api('POST', '/api/campaigns', campaign({ templateId: written.id }));
      expect(fromWritten.body).toMatchObject({ design: null, html: '<p>Plain {{ contact.firstName }}</p>' });

      await t.api('PATCH', `/api/templates/${designed.id}`, { design: design('Changed') });
      expect((await t.api('GET', `/api/campaigns/${fromDesigned.body.id}`)).body.design).toEqual(design('Hello {{ contact.firstName }}'));

      const withHtml = await t.api('POST', '/api/campaigns', campaign({ templateId: designed.id, html: '<p>x</p>' }));
      expect(withHtml.status).toBe(400);
      expect(withHtml.body.error.path).toBe('$.templateId');
      expect((await t.api('POST', '/api/campaigns', campaign({ templateId: designed.id, design: design('x') }))).status).toBe(400);
      expect((await t.api('POST', '/api/campaigns', campaign({ templateId: 999_999 }))).body.error.code).toBe('not_found');
    });
  });

  describe('workspaces and roles', () => {
    it("answers 404 for another workspace's template on every route and as a templateId, exactly as for a missing one", async () => {
      const other = await addWorkspace(t, 'Brand B');
      const { body: theirs } = await other.api('POST', '/api/templates', { name: 'Theirs', html: '<p>B only</p>' });
      const missing = 999_999;
      for (const [method, body] of [['GET'], ['PATCH', { name: 'Taken' }], ['DELETE']] as const) {
        const foreign = await t.api(method, `/api/templates/${theirs.id}`, body);
        const absent = await t.api(method, `/api/templates/${missing}`, body);
        expect([method, foreign.status, foreign.body]).toEqual([method, 404, absent.body]);
      }
      const asTemplate = await t.api('POST', '/api/campaigns', campaign({ templateId: theirs.id }));
      expect(asTemplate.status).toBe(404);
      expect(asTemplate.body).toEqual((await t.api('POST', '/api/campaigns', campaign({ templateId: missing }))).body);
      expect((await t.api('GET', '/api/templates')).body.items.map((x: any) => x.id)).not.toContain(theirs.id);
      expect((await other.api('GET', `/api/templates/${theirs.id}`)).body).toMatchObject({ name: 'Theirs', html: '<p>B only</p>' });

      // And B cannot save A's campaign as a template.
      const { body: ours } = await t.api('POST', '/api/campaigns', campaign({ html: '<p>A only</p>' }));
      expect((await other.api('POST', '/api/templates', { name: 'Stolen', campaignId: ours.id })).status).toBe(404);
    });

    it('lets a viewer read templates, and only editors and above save them', async () => {
      const viewer = await apiAs(t, 'viewer');
      expect((await viewer('GET', '/api/templates')).status).toBe(200);
      expect((await viewer('POST', '/api/templates', { name: 'No', html: '<p>x</p>' })).status).toBe(403);
      const editor = await apiAs(t, 'editor');
      expect((await editor('POST', '/api/templates', { name: 'Yes', html: '<p>x</p>' })).status).toBe(201);
    });
  });
});
