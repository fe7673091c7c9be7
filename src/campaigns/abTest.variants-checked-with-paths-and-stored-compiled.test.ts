import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { compileSmsCampaign } from '../delivery/sms/compile.js';

const EMAIL = { name: 'Spring', subject: 'Spring sale', fromEmail: 'news@shop.test', fromName: 'Shop', html: '<p>Hello</p>', listIds: [] };
const SMS = { channel: 'sms', name: 'Spring SMS', body: 'Spring sale today', senderId: 'Shop', listIds: [] };
const test = (variants: object[], more: object = {}) => ({ abTest: { variants, testPercent: 20, waitMinutes: 60, ...more } });

const DESIGN = {
  version: 1,
  rows: [{ id: 'r1', columns: [{ id: 'c1', blocks: [{ type: 'heading', id: 'h1', text: 'Designed {{ contact.firstName }}' }] }] }],
};

describe('an A/B test on a campaign', () => {
  const t = useTestApp('sqlite');
  const create = (body: object) => t.api('POST', '/api/campaigns', body);
  const refused = async (body: object, path: string, message?: RegExp) => {
    const response = await create(body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error.path).toBe(path);
    if (message) expect(response.body.error.message).toMatch(message);
  };

  it('is refused with the path of what is wrong', async () => {
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'C', subject: 'Other' }]) }, '$.abTest.variants[1].key', /must be "B"/);
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'A', subject: 'Other' }]) }, '$.abTest.variants[1].key');
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B' }]) }, '$.abTest.variants[1]', /same as variant A/);
    await refused({ ...EMAIL, ...test([{ key: 'A', subject: 'Spring sale' }, { key: 'B', fromName: 'Shop' }]) }, '$.abTest.variants[1]', /same as variant A/);
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: 'X' }, { key: 'C', subject: 'X' }]) }, '$.abTest.variants[2]', /same as variant B/);
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: 'Hi {{ contact.firstName ' }]) }, '$.abTest.variants[1].subject');
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', html: '<p>{% if %}</p>' }]) }, '$.abTest.variants[1].html');
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', body: 'An SMS' }]) }, '$.abTest.variants[1].body', /email variant/);
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', html: '<p>x</p>', design: DESIGN }]) }, '$.abTest.variants[1].html', /both/);
    await refused({ ...SMS, ...test([{ key: 'A' }, { key: 'B', subject: 'No subjects in SMS' }]) }, '$.abTest.variants[1].subject', /SMS variant/);
    await refused({ ...SMS, ...test([{ key: 'A' }, { key: 'B', body: 'é'.repeat(2_000) }]) }, '$.abTest.variants[1].body');
    await refused({ ...EMAIL, ...test([{ key: 'A' }]) }, '$.abTest.variants');
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: 'X' }], { testPercent: 60 }) }, '$.abTest.testPercent');
    await refused({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: 'X' }], { waitMinutes: 0 }) }, '$.abTest.waitMinutes');
  });

  it('is stored with the criterion and each design compiled once, checked again when the campaign changes, removed with null, and fixed once sending', async () => {
    const created = await create({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: '  Spring, at last  ', fromName: '' }, { key: 'C', design: DESIGN }]) });
    expect(created.status).toBe(201);
    const [a, b, c] = created.body.abTest.variants;
    expect(a).toEqual({ key: 'A' });
    expect(b).toEqual({ key: 'B', subject: 'Spring, at last' });
    expect(c.design).toEqual(DESIGN);
    expect(c.html).toContain('Designed {{ contact.firstName }}');
    expect(created.body.abTest).toMatchObject({ testPercent: 20, waitMinutes: 60, criterion: 'humanClickRate' });
    expect(created.body.ab).toBeNull();
    const id = created.body.id;

    // The campaign's subject becomes B's: A and B would read the same.
    const clash = await t.api('PATCH', `/api/campaigns/${id}`, { subject: 'Spring, at last' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.path).toBe('$.abTest.variants[1]');

    const changed = await t.api('PATCH', `/api/campaigns/${id}`, { ...test([{ key: 'A' }, { key: 'B', fromName: 'The Shop' }], { criterion: 'humanOpenRate' }) });
    expect(changed.status).toBe(200);
    expect(changed.body.abTest).toEqual({ variants: [{ key: 'A' }, { key: 'B', fromName: 'The Shop' }], testPercent: 20, waitMinutes: 60, criterion: 'humanOpenRate' });
    const removed = await t.api('PATCH', `/api/campaigns/${id}`, { abTest: null });
    expect(removed.body.abTest).toBeNull();

    const sms = await create({ ...SMS, ...test([{ key: 'A' }, { key: 'B', body: 'Spring sale: 20 % off today' }]) });
    expect(sms.status).toBe(201);
    expect(sms.body.abTest.variants[1]).toEqual({ key: 'B', body: 'Spring sale: 20 % off today' });

    const list = (await t.api('POST', '/api/lists', { name: 'One' })).body.id;
    await t.api('POST', '/api/contacts', { email: 'one@example.test', listIds: [list] });
    const sending = (await create({ ...EMAIL, listIds: [list], ...test([{ key: 'A' }, { key: 'B', subject: 'Other' }]) })).body.id;
    await t.api('POST', `/api/campaigns/${sending}/send`, {});
    const late = await t.api('PATCH', `/api/campaigns/${sending}`, { abTest: null });
    expect(late.status).toBe(409);
    expect((await t.api('GET', `/api/campaigns/${sending}`)).body.abTest.variants).toHaveLength(2);
  });

  it('answers 409 to a winner for a campaign without a test, and 404 for a missing one', async () => {
    const plain = (await create(EMAIL)).body.id;
    expect((await t.api('POST', `/api/campaigns/${plain}/ab/winner`, { variant: 'A' })).status).toBe(409);
    const draft = (await create({ ...EMAIL, ...test([{ key: 'A' }, { key: 'B', subject: 'Other' }]) })).body.id;
    const notStarted = await t.api('POST', `/api/campaigns/${draft}/ab/winner`, { variant: 'B' });
    expect(notStarted.status).toBe(409);
    expect(notStarted.body.error.message).toMatch(/not running/);
    expect((await t.api('POST', `/api/campaigns/999999/ab/winner`, { variant: 'A' })).status).toBe(404);
    expect((await t.api('POST', `/api/campaigns/${draft}/ab/winner`, { variant: 'E' })).status).toBe(400);
  });

  it('gives an SMS recipient the body of their variant with short links to its own links only', async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'Phones' })).body.id;
    await t.api('POST', '/api/contacts', { phone: '+33612345678', listIds: [list] });
    const variants = [
      { key: 'A', body: 'Sale: https://shop.test/a' },
      { key: 'B', body: 'Sale: https://shop.test/b and https://shop.test/a' },
    ];
    const id = (await create({ ...SMS, listIds: [list], ...test(variants) })).body.id;
    await t.api('POST', `/api/campaigns/${id}/send`, {});
    const row = await t.ctx.store.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const compiled = await compileSmsCampaign(t.ctx, row);
    const links = await t.ctx.store.db.selectFrom('links').select(['id', 'position', 'url', 'variant']).where('campaign_id', '=', id).orderBy('position').execute();
    expect(links.map(({ position, url, variant }) => [position, url, variant])).toEqual([
      [1, 'https://shop.test/a', 'A'],
      [2, 'https://shop.test/b', 'B'],
      [3, 'https://shop.test/a', 'B'],
    ]);
    const recipient = { campaignId: id, contactId: 1, email: null, phone: '+33612345678', firstName: null, lastName: null, fields: {}, trackingConsent: true };
    const [a, b] = (await compiled.renderBatch([
      { ...recipient, messageId: 101, variant: 'A' },
      { ...recipient, messageId: 102, variant: 'B' },
    ])) as Array<{ text: string }>;
    const codes = async (messageId: number) =>
      (await t.ctx.store.db.selectFrom('sms_short_links').select(['code', 'link_id']).where('message_id', '=', messageId).execute()).map((r) => [r.link_id, r.code] as const);
    const [[linkA, codeA]] = await codes(101);
    expect(linkA).toBe(links[0]!.id);
    expect(a!.text).toMatch(new RegExp(`^Sale: \\S+/s/${codeA}\\n`));
    const ofB = new Map(await codes(102));
    expect([...ofB.keys()].sort()).toEqual([links[1]!.id, links[2]!.id].sort());
    expect(b!.text).toContain(`/s/${ofB.get(links[1]!.id)} and `);
    expect(b!.text).toContain(`/s/${ofB.get(links[2]!.id)}`);
  });
});
