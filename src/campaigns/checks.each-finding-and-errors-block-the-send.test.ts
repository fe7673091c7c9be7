import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { addCampaign } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';

type Item = { code: string; level: string; message: string; variant?: string };

describeEachDatabase('pre-send checks', (kind) => {
  const t = useTestApp(kind, { PUBLIC_URL: 'https://go.shop.test' });
  let list: number;

  /** A draft email campaign with this content (the rest clean), and its checks. */
  const email = async (content: { subject?: string; html?: string; text?: string | null; abTest?: unknown }) => {
    const { id } = await addCampaign(t.ctx, { sentAt: null });
    await t.ctx.store.db
      .updateTable('campaigns')
      .set({
        subject: content.subject ?? 'Spring sale',
        html: content.html ?? '<p>Hello {{ contact.firstName }}</p>',
        text: content.text ?? null,
        ab_test: content.abTest === undefined ? null : t.ctx.store.dialect.writeJson(content.abTest),
        list_ids: t.ctx.store.dialect.writeJson([list]),
      })
      .where('id', '=', id)
      .execute();
    return { id, items: await checks(id) };
  };
  const sms = async (body: string) => {
    const { id } = await addCampaign(t.ctx, { channel: 'sms', sentAt: null });
    await t.ctx.store.db.updateTable('campaigns').set({ body }).where('id', '=', id).execute();
    return checks(id);
  };
  const checks = async (id: number): Promise<Item[]> => {
    const response = await t.api('GET', `/api/campaigns/${id}/checks`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items;
  };
  const codes = (items: Item[]) => items.map((i) => `${i.level} ${i.code}`);

  beforeAll(async () => {
    list = (await t.api('POST', '/api/lists', { name: 'All' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'ada@example.test', firstName: 'Ada', fields: { city: 'Paris', website: 'https://ada.example' }, listIds: [list] });
  });

  it('finds nothing in a clean campaign that uses every name the renderer provides', async () => {
    const html =
      '<p>Hi {{ contact.firstName | default: "there" }} {{ contact.lastName }} from {{ contact.fields.city }} ({{ contact.email }}, {{ campaign.name }})</p>' +
      '{% assign shop = contact.fields.city | downcase %}{% for n in (1..2) %}<p>{{ n }} {{ shop }}</p>{% endfor %}' +
      '<a href="https://shop.example/?c={{ contact.id }}">Shop</a> <a href="mailto:help@shop.example">Mail</a> <a href="tel:+33100000000">Call</a>' +
      '<a href="{{ contact.fields.website }}">Your site</a> <a href="#top">Top</a> <img src="https://shop.example/a.png" alt="Our shop">' +
      '<a href="{{ view_online_url }}">View online</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a>';
    expect((await email({ subject: 'For you, {{ contact.firstName }}', html })).items).toEqual([]);
  });

  it('empty_subject: an error', async () => {
    const { items } = await email({ subject: '   ' });
    expect(codes(items)).toEqual(['error empty_subject']);
    expect(items[0]!.message).toMatch(/subject is empty/);
  });

  it('unknown_merge_tag: an error per tag naming no contact field or custom field, found by Liquid wherever it is', async () => {
    const { items } = await email({
      subject: 'Hi {{ contact.firstname }}',
      html: '<p>{% if contact.fields.town %}From {{ contact.fields.town | upcase }}{% endif %} {{ coupon }} {{ contact.fields.city }}</p>',
    });
    expect(codes(items)).toEqual(['error unknown_merge_tag', 'error unknown_merge_tag', 'error unknown_merge_tag']);
    expect(items[0]!.message).toContain('{{ contact.firstname }}');
    expect(items[0]!.message).toContain('subject');
    expect(items[1]!.message).toContain('{{ contact.fields.town }}');
    expect(items[1]!.message).toContain('custom field');
    expect(items[2]!.message).toContain('{{ coupon }}');
  });

  it('unsafe_link: an error per link whose scheme is not http(s), mailto or tel, however it is spelled', async () => {
    const { items } = await email({
      html: '<a href="javascript:alert(1)">a</a><a href=" JaVa&#x09;Script:alert(2)">b</a><a href="data:text/html,hi">c</a><a href="ftp://files.example/x">d</a><a href="https://ok.example">ok</a>',
    });
    expect(codes(items)).toEqual(Array(4).fill('error unsafe_link'));
    expect(items.map((i) => i.message.match(/uses "(\w+):"/)?.[1])).toEqual(['javascript', 'javascript', 'data', 'ftp']);
    expect(items[0]!.message).toContain('javascript:alert(1)');
    expect(items[3]!.message).toContain('ftp://files.example/x');
  });

  it('html_over_102kb: a warning counting the HTML as sent, tracked links and pixel included', async () => {
    // 100 KB as written; tracking every link takes it over the line.
    const links = Array.from({ length: 60 }, (_, i) => `<a href="https://s.example/${i}">${i}</a>`).join('');
    const filler = '<p>' + 'x'.repeat(100 * 1024 - links.length - 7) + '</p>';
    expect(Buffer.byteLength(filler + links)).toBeLessThan(102 * 1024);
    const { items } = await email({ html: filler + links });
    expect(codes(items)).toEqual(['warning html_over_102kb']);
    expect(items[0]!.message).toMatch(/weighs 10[3-9] KB as sent/);
    expect(items[0]!.message).toContain('102 KB');
    // The same size without links stays under it.
    expect((await email({ html: filler })).items).toEqual([]);
  });

  it('image_without_alt: a warning saying how many', async () => {
    const { items } = await email({ html: '<p>Look</p><img src="https://s.example/1.png"><img src="https://s.example/2.png" alt=""><img src="https://s.example/3.png">' });
    expect(codes(items)).toEqual(['warning image_without_alt']);
    expect(items[0]!.message).toMatch(/^2 images have no alt text/);
  });

  it('no_text_part: a warning for an image-only email, and none when a text part is written', async () => {
    const html = '<a href="https://shop.example"><img src="https://s.example/sale.png" alt=""></a>';
    const { items } = await email({ html });
    expect(codes(items)).toEqual(['warning no_text_part']);
    expect(items[0]!.message).toMatch(/no text/);
    expect((await email({ html, text: 'Our sale is on: https://shop.example' })).items).toEqual([]);
  });

  it('SMS: empty_body, unknown_merge_tag and unsafe_link', async () => {
    expect(codes(await sms('  '))).toEqual(['error empty_body']);
    const unknown = await sms('Hi {{ contact.firstName }}, code {{ contact.fields.coupon }}: https://shop.example');
    expect(codes(unknown)).toEqual(['error unknown_merge_tag']);
    expect(unknown[0]!.message).toContain('{{ contact.fields.coupon }}');
    const unsafe = await sms('Sale: 20% off at ftp://files.example/x or javascript:alert(1)');
    expect(codes(unsafe)).toEqual(['error unsafe_link', 'error unsafe_link']);
    expect(unsafe[0]!.message).toContain('ftp://files.example/x');
    expect(await sms('Sale: 20% off, 10:00 to 18:00 at https://shop.example {{ campaign.name }}')).toEqual([]);
  });

  it('checks each variant of an A/B test, saying which', async () => {
    const abTest = {
      variants: [
        { key: 'A', subject: 'Spring sale' },
        { key: 'B', subject: '', html: '<p>{{ contact.nickname }}</p><img src="https://s.example/1.png">' },
      ],
      testPercent: 20,
      waitMinutes: 60,
    };
    const { items } = await email({ abTest });
    expect(items.map((i) => `${i.variant} ${i.level} ${i.code}`)).toEqual(['B error empty_subject', 'B error unknown_merge_tag', 'B warning image_without_alt']);
  });

  it('refuses to send or schedule while an error stands (409 checks_failed, nothing changed), and lets warnings through', async () => {
    const { id } = await email({ html: '<p>Hi {{ contact.nickname }}</p><a href="javascript:alert(1)">x</a>' });
    for (const body of [{}, { at: new Date(Date.now() + 86_400_000).toISOString() }]) {
      const refused = await t.api('POST', `/api/campaigns/${id}/send`, body);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('checks_failed');
      expect(refused.body.error.message).toContain('{{ contact.nickname }}');
      expect(refused.body.error.message).toContain('javascript:alert(1)');
      expect(refused.body.error.items.map((i: Item) => i.code)).toEqual(['unknown_merge_tag', 'unsafe_link']);
    }
    expect((await t.api('GET', `/api/campaigns/${id}`)).body).toMatchObject({ status: 'draft', scheduledAt: null, sentAt: null });
    expect(await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', id).execute()).toEqual([]);

    const warned = await email({ html: '<img src="https://s.example/sale.png">' });
    expect(codes(warned.items)).toEqual(['warning image_without_alt', 'warning no_text_part']);
    const sent = await t.api('POST', `/api/campaigns/${warned.id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status).toBe('sending');
  });
});
