import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';

describeEachDatabase('previews as three contacts', (kind) => {
  const t = useTestApp(kind);
  let list: number;

  const HTML =
    '<p>Hi {{ contact.firstName }} from {{ contact.fields.city | default: "nowhere" }}</p>' +
    '<a href="https://shop.example/sale?who={{ contact.id }}">Sale</a> <a href="https://shop.example/about">About</a> <a href="{{ unsubscribe_url }}">Leave</a>';
  const previews = async (id: number, query = '') => {
    const response = await t.api('GET', `/api/campaigns/${id}/previews${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items as Array<{ contact: { id: number; firstName: string }; subject?: string; html?: string; text?: string; body?: string }>;
  };
  const recorded = async () => {
    const { rows } = await sql<{ events: number; opens: number; clicks: number }>`select (select count(*) from events) as events,
      (select coalesce(sum(opens), 0) from messages) as opens, (select coalesce(sum(clicks), 0) from messages) as clicks`.execute(t.ctx.store.db);
    return rows.map((r) => ({ events: Number(r.events), opens: Number(r.opens), clicks: Number(r.clicks) }))[0];
  };
  const campaign = async (content: object) =>
    (await t.api('POST', '/api/campaigns', { name: 'Spring', fromEmail: 'news@shop.test', listIds: [list], ...content })).body.id as number;

  beforeAll(async () => {
    list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    const add = (body: object) => t.api('POST', '/api/contacts', { ...body, listIds: [list] });
    await add({ email: 'ann@example.test', phone: '+33611111111', firstName: 'Ann' });
    await add({ email: 'gone@example.test', firstName: 'Gone', fields: { city: 'Nice', plan: 'gold', size: 'L' }, emailStatus: 'unsubscribed' });
    await add({ email: 'bob@example.test', phone: '+33622222222', firstName: 'Bob', fields: { city: 'Paris', plan: 'gold' } });
    await add({ email: 'dan@example.test', firstName: 'Dan' });
    await add({ email: 'cat@example.test', phone: '+33633333333', firstName: 'Cat', fields: { city: 'Lyon' } });
  });

  it('renders three subscribed contacts of the audience with their own data, those with custom fields first', async () => {
    const id = await campaign({ subject: 'For {{ contact.firstName }}', html: HTML });
    const items = await previews(id);
    expect(items.map((i) => i.contact.firstName)).toEqual(['Bob', 'Cat', 'Ann']);
    const [bob, cat, ann] = items;
    expect(bob!.contact).toMatchObject({ email: 'bob@example.test', phone: '+33622222222', firstName: 'Bob', lastName: null });
    expect(bob!.subject).toBe('For Bob');
    expect(bob!.html).toContain('Hi Bob from Paris');
    expect(cat!.html).toContain('Hi Cat from Lyon');
    expect(ann!.html).toContain('Hi Ann from nowhere');
    expect(bob!.html).toContain(`href="https://shop.example/sale?who=${bob!.contact.id}"`);
    expect(bob!.text).toContain('Hi Bob from Paris');
    expect(bob!.text).toContain('https://shop.example/about');
  });

  it('tracks nothing: links go straight to their destination, no pixel, no token, and nothing is recorded', async () => {
    const id = await campaign({ subject: 'Hi', html: HTML });
    expect((await t.api('POST', `/api/campaigns/${id}/send`, {})).status).toBe(200);
    const before = await recorded();
    const items = await previews(id);
    expect(items).toHaveLength(3);
    for (const { html, text } of items) {
      expect(html).not.toContain('/t/');
      expect(html).not.toContain('<img');
      expect(text).not.toContain('/t/');
      expect(html).toContain('href="https://shop.example/about"');
      // Whatever points at Ricochet itself is opened, as a mail client would: it must record nothing.
      for (const [, url] of html!.matchAll(/(?:href|src)="([^"]+)"/g)) {
        if (url!.startsWith(t.baseUrl)) await fetch(url!, { redirect: 'manual' });
      }
    }
    expect(await recorded()).toEqual(before);
  });

  it("shows an A/B test's variant when asked, and refuses one it does not have", async () => {
    const id = await campaign({
      subject: 'Plain',
      html: HTML,
      abTest: { variants: [{ key: 'A', subject: 'A for {{ contact.firstName }}' }, { key: 'B', subject: 'B for {{ contact.firstName }}' }], testPercent: 20, waitMinutes: 60 },
    });
    expect((await previews(id)).map((i) => i.subject)).toEqual(['A for Bob', 'A for Cat', 'A for Ann']);
    expect((await previews(id, '?variant=B')).map((i) => i.subject)).toEqual(['B for Bob', 'B for Cat', 'B for Ann']);
    const missing = await t.api('GET', `/api/campaigns/${id}/previews?variant=C`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toBe('query.variant');
  });

  it('renders an SMS with its links as written, not short links', async () => {
    const id = (await t.api('POST', '/api/campaigns', { channel: 'sms', name: 'SMS', senderId: 'SHOP', body: 'Hi {{ contact.firstName }}: https://shop.example/sms', listIds: [list] })).body.id;
    const items = await previews(id);
    expect(items.map((i) => i.contact.firstName)).toEqual(['Bob', 'Cat', 'Ann']);
    expect(items[0]!.body).toMatch(/^Hi Bob: https:\/\/shop\.example\/sms/);
    expect(items[0]!.body).not.toContain('/s/');
  });
});
