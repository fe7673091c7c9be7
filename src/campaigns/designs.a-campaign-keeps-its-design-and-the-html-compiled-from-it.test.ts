import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import type { Design } from '../designs/schema.js';

const design = (headline = 'Hello {{ contact.firstName | default: "there" }}'): Design => ({
  version: 1,
  rows: [
    { id: 'r1', columns: [{ id: 'c1', blocks: [{ type: 'heading', id: 'h1', text: headline }] }] },
    {
      id: 'r2',
      columns: [
        { id: 'c2', blocks: [{ type: 'text', id: 't1', html: '<p>New in: <a href="https://shop.test/new">the linen range</a></p>' }] },
        { id: 'c3', blocks: [{ type: 'spacer', height: 8 }, { type: 'divider' }, { type: 'button', id: 'b1', label: 'Shop the sale', href: 'https://shop.test/sale' }] },
      ],
    },
  ],
});

describeEachDatabase('a campaign with a design', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
  let listId: number;
  const email = (extra: object) => ({ name: 'Linen week', subject: 'Hi {{ contact.firstName }}', fromEmail: 'news@shop.test', listIds: [listId], ...extra });
  const create = async (extra: object) => t.api('POST', '/api/campaigns', email(extra));

  beforeAll(async () => {
    listId = (await t.api('POST', '/api/lists', { name: 'Customers' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', listIds: [listId] });
  });

  describe('created and read', () => {
    it('stores the design and the HTML compiled from it, merge tags as written, with an unsubscribe footer added', async () => {
      const created = await create({ design: design() });
      expect(created.status).toBe(201);
      expect(created.body.design).toEqual(design());
      const html: string = created.body.html;
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('Hello {{ contact.firstName | default: "there" }}');
      expect(html).toContain('href="https://shop.test/sale"');
      expect(html).toContain('Shop the sale');
      expect(html).toContain('href="https://shop.test/new"');
      // Responsive: the columns' widths apply from 480 px up.
      expect(html).toMatch(/@media only screen and \(min-width:480px\)/);
      expect(html).toContain('{{ unsubscribe_url }}');
      expect((await t.api('GET', `/api/campaigns/${created.body.id}`)).body).toEqual(created.body);
    });

    it('answers 400 naming both when a body has HTML and a design', async () => {
      const both = await create({ design: design(), html: '<p>By hand</p>' });
      expect(both.status).toBe(400);
      expect(both.body.error.message).toContain('$.html');
      expect(both.body.error.message).toContain('$.design');
    });

    it('names the path of what is wrong inside a design', async () => {
      const wrong = design();
      (wrong.rows[1]!.columns[1]!.blocks[2] as { href: string }).href = '';
      const empty = await create({ design: wrong });
      expect(empty.status).toBe(400);
      expect(empty.body.error.path).toBe('$.design.rows[1].columns[1].blocks[2].href');

      const missing = design();
      delete (missing.rows[1]!.columns[1]!.blocks[2] as { href?: string }).href;
      expect((await create({ design: missing })).body.error).toMatchObject({ path: '$.design.rows[1].columns[1].blocks[2].href', message: expect.stringMatching(/is required/) });

      const unknown = design() as unknown as { rows: { columns: { blocks: object[] }[] }[] };
      unknown.rows[0]!.columns[0]!.blocks.push({ type: 'video', src: 'https://x.test' });
      expect((await create({ design: unknown })).body.error.path).toBe('$.design.rows[0].columns[0].blocks[1].type');

      const extra = design() as unknown as { rows: { columns: { blocks: object[] }[] }[] };
      extra.rows[1]!.columns[0]!.blocks[0] = { type: 'text', html: '<p>x</p>', onclick: 'alert(1)' };
      expect((await create({ design: extra })).body.error.path).toBe('$.design.rows[1].columns[0].blocks[0].onclick');

      const brokenTag = await create({ design: design('Hello {{ contact.firstName') });
      expect(brokenTag.status).toBe(400);
      expect(brokenTag.body.error.path).toBe('$.design');
      expect(brokenTag.body.error.message).toMatch(/template error/);

      const tooWide = { ...design(), rows: [{ columns: [1, 2, 3, 4, 5].map(() => ({ blocks: [] })) }] };
      expect((await create({ design: tooWide })).body.error.path).toBe('$.design.rows[0].columns');
      expect((await t.api('GET', '/api/campaigns')).body.items.filter((c: any) => c.name === 'Linen week')).toHaveLength(1);
    });

    it('refuses a design for an SMS campaign', async () => {
      const sms = await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'Flash', body: 'Sale', senderId: 'SHOP', listIds: [], design: design() });
      expect(sms.status).toBe(400);
      expect(sms.body.error.path).toBe('$.design');
    });

    it('keeps a hand-written campaign as it was: no design', async () => {
      const created = await create({ html: '<p>Hello</p>' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ design: null, html: '<p>Hello</p>' });
    });
  });

  describe('edited', () => {
    it('recompiles a new design, keeps the design through other edits, and refuses HTML alone', async () => {
      const { body: campaign } = await create({ design: design() });
      const renamed = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { subject: 'New subject' });
      expect(renamed.body).toMatchObject({ subject: 'New subject', design: design(), html: campaign.html });

      const redesigned = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: design('Big news, {{ contact.firstName }}') });
      expect(redesigned.status).toBe(200);
      expect(redesigned.body.design).toEqual(design('Big news, {{ contact.firstName }}'));
      expect(redesigned.body.html).toContain('Big news, {{ contact.firstName }}');
      expect(redesigned.body.html).not.toContain('Hello {{');

      const htmlAlone = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { html: '<p>Sneaky</p>' });
      expect(htmlAlone.status).toBe(400);
      expect(htmlAlone.body.error.message).toMatch(/this campaign is designed: send design, or design: null with html to write it by hand/);
      const both = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: design(), html: '<p>x</p>' });
      expect(both.status).toBe(400);
      expect(both.body.error.message).toContain('$.design');

      const wrong = design();
      (wrong.rows[0]!.columns[0]!.blocks[0] as { level: number }).level = 7;
      const invalid = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: wrong });
      expect(invalid.body.error.path).toBe('$.design.rows[0].columns[0].blocks[0].level');
      expect((await t.api('GET', `/api/campaigns/${campaign.id}`)).body.html).toBe(redesigned.body.html);
    });

    it('turns a designed campaign into hand-written HTML with design: null, and back into a design', async () => {
      const { body: campaign } = await create({ design: design() });
      const byHand = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: null, html: '<p>Written by hand, {{ contact.firstName }}</p>' });
      expect(byHand.status).toBe(200);
      expect(byHand.body).toMatchObject({ design: null, html: '<p>Written by hand, {{ contact.firstName }}</p>' });
      // Now HTML alone is an ordinary edit.
      expect((await t.api('PATCH', `/api/campaigns/${campaign.id}`, { html: '<p>Edited</p>' })).body).toMatchObject({ design: null, html: '<p>Edited</p>' });

      const designedAgain = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: design() });
      expect(designedAgain.body.design).toEqual(design());
      expect(designedAgain.body.html).toBe(campaign.html);

      // design: null alone keeps the compiled HTML, to be edited by hand from there.
      const kept = await t.api('PATCH', `/api/campaigns/${campaign.id}`, { design: null });
      expect(kept.body).toMatchObject({ design: null, html: campaign.html });
    });

    it('sends a test copy of a designed campaign: the compiled HTML, personalised, links as written', async () => {
      const { body: campaign } = await create({ design: design() });
      const sent = await t.api('POST', `/api/campaigns/${campaign.id}/test`, { emails: ['ada@example.test'] });
      expect(sent.body).toEqual({ sent: ['ada@example.test'], failed: [] });
      const outbox = (await t.api('GET', '/api/outbox')).body;
      const copy = (await t.api('GET', `/api/outbox/${outbox.items[0].name}?format=json`)).body;
      expect(copy.subject).toBe('[TEST] Hi Ada');
      expect(copy.html).toContain('Hello Ada');
      expect(copy.html).toContain('href="https://shop.test/sale"');
      expect(copy.html).not.toContain('go.shop.test/t/');
    });
  });
});
