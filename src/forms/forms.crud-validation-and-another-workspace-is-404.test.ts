import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace, apiAs } from '../../test/support/workspaces.js';

describeEachDatabase('forms API', (kind) => {
  const t = useTestApp(kind);
  const newList = async (name: string) => (await t.api('POST', '/api/lists', { name })).body.id as number;

  it('creates a form with its slug, URL, embed snippet, default messages and zero stats; lists, reads, edits and deletes it, each audited', async () => {
    const listId = await newList('Newsletter');
    await t.api('POST', '/api/contacts', { email: 'someone@example.org', fields: { city: 'Lyon' } });
    const created = await t.api('POST', '/api/forms', {
      name: 'Spring Newsletter — Été!',
      listIds: [listId],
      fields: [{ name: 'firstName', required: true }, { name: 'city', label: 'Your city' }, { name: 'phone' }],
      consentText: 'I agree to receive the newsletter.',
    });
    expect(created.status).toBe(201);
    const form = created.body;
    expect(form).toMatchObject({
      name: 'Spring Newsletter — Été!',
      slug: 'spring-newsletter-ete',
      url: `${t.ctx.config.publicUrl}/f/spring-newsletter-ete`,
      listIds: [listId],
      doubleOptIn: true,
      consentText: 'I agree to receive the newsletter.',
      fields: [
        { name: 'firstName', label: 'First name', required: true, type: 'firstName' },
        { name: 'city', label: 'Your city', required: false, type: 'string' },
        { name: 'phone', label: 'Phone', required: false, type: 'phone' },
      ],
      stats: { views: 0, signups: 0, confirmations: 0, confirmationRate: 0 },
    });
    expect(form.messages.confirmationHtml).toContain('{{ confirm_url }}');
    expect(form.messages.thankYou).toMatch(/check your inbox/);
    expect(form.embedHtml).toContain(`<form method="post" action="${form.url}">`);
    for (const part of ['name="email"', 'name="firstName"', 'name="fields.city"', 'name="phone"', 'name="website"', 'tabindex="-1"', 'name="consent"', 'name="_t"']) {
      expect(form.embedHtml).toContain(part);
    }
    expect(form.embedHtml).not.toContain('<script');

    // The same name again gets the next free slug; a slug may be chosen, and must be free.
    const second = await t.api('POST', '/api/forms', { name: 'Spring newsletter ETE', listIds: [listId], consentText: 'Yes', doubleOptIn: false });
    expect(second.body).toMatchObject({ slug: 'spring-newsletter-ete-2', doubleOptIn: false, messages: { thankYou: 'Thank you for signing up!' } });
    const chosen = await t.api('POST', '/api/forms', { name: 'X', slug: 'join-us', listIds: [listId], consentText: 'Yes' });
    expect(chosen.body.slug).toBe('join-us');
    expect((await t.api('POST', '/api/forms', { name: 'Y', slug: 'join-us', listIds: [listId], consentText: 'Yes' })).status).toBe(409);
    expect((await t.api('POST', '/api/forms', { name: '<>', listIds: [listId], consentText: 'Yes' })).body.slug).toBe('form');

    const listed = await t.api('GET', '/api/forms');
    expect(listed.body.map((f: { slug: string }) => f.slug)).toEqual(['spring-newsletter-ete', 'spring-newsletter-ete-2', 'join-us', 'form']);
    expect((await t.api('GET', `/api/forms/${form.id}`)).body).toEqual(form);

    const patched = await t.api('PATCH', `/api/forms/${form.id}`, {
      name: 'Newsletter',
      doubleOptIn: false,
      messages: { thankYou: 'Merci !', confirmationSubject: 'Confirm {{ form.name }}' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Newsletter', slug: 'spring-newsletter-ete', doubleOptIn: false, messages: { thankYou: 'Merci !', confirmationSubject: 'Confirm {{ form.name }}' } });
    // A blank message puts the default back.
    const reset = await t.api('PATCH', `/api/forms/${form.id}`, { messages: { thankYou: '' } });
    expect(reset.body.messages).toMatchObject({ thankYou: 'Thank you for signing up!', confirmationSubject: 'Confirm {{ form.name }}' });
    expect((await t.api('PATCH', `/api/forms/${form.id}`, { slug: 'join-us' })).status).toBe(409);

    const preview = await t.api('GET', `/api/forms/${form.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.html).toContain('<h1>Newsletter</h1>');
    expect((await t.api('GET', `/api/forms/${form.id}`)).body.stats.views).toBe(0);

    expect((await t.api('DELETE', `/api/forms/${form.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/forms/${form.id}`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/f/spring-newsletter-ete`)).status).toBe(404);

    const audit = await t.api('GET', '/api/audit');
    const actions = audit.body.items.filter((e: { objectId: number }) => e.objectId === form.id).map((e: { action: string }) => e.action);
    // Two changes; the refused slug changed nothing.
    expect(actions.sort()).toEqual(['form.create', 'form.delete', 'form.update', 'form.update']);
  });

  it('answers 400 naming what is wrong', async () => {
    const listId = await newList('Wrong');
    const base = { name: 'Bad', listIds: [listId], consentText: 'Yes' };
    const cases: Array<[object, string]> = [
      [{ ...base, fields: [{ name: 'shoeSize' }] }, '$.fields[0].name'],
      [{ ...base, fields: [{ name: 'email' }] }, '$.fields[0].name'],
      [{ ...base, fields: [{ name: 'phone' }, { name: 'phone' }] }, '$.fields[1].name'],
      [{ ...base, listIds: [listId, 987654] }, '$.listIds'],
      [{ ...base, listIds: [] }, '$.listIds'],
      [{ ...base, consentText: '' }, '$.consentText'],
      [{ ...base, slug: 'No Spaces' }, '$.slug'],
      [{ ...base, messages: { confirmationHtml: '<p>Confirm please</p>' } }, '$.messages.confirmationHtml'],
      [{ ...base, messages: { confirmationHtml: '<a href="{{ confirm_url }}">{% if %}</a>' } }, '$.messages.confirmationHtml'],
      [{ ...base, surprise: 1 }, '$.surprise'],
    ];
    for (const [body, path] of cases) {
      const response = await t.api('POST', '/api/forms', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.path).toBe(path);
    }
    const shoe = await t.api('POST', '/api/forms', cases[0]![0]);
    expect(shoe.body.error.message).toContain('shoeSize');
  });

  it("answers another workspace's form, and another workspace's lists, as missing", async () => {
    const b = await addWorkspace(t, 'Brand B');
    const bList = (await b.api('POST', '/api/lists', { name: 'B list' })).body.id;
    const bForm = (await b.api('POST', '/api/forms', { name: 'B form', listIds: [bList], consentText: 'Yes' })).body;
    expect(bForm.id).toBeGreaterThan(0);
    for (const [method, path, body] of [
      ['GET', `/api/forms/${bForm.id}`],
      ['GET', `/api/forms/${bForm.id}/preview`],
      ['PATCH', `/api/forms/${bForm.id}`, { name: 'Taken' }],
      ['DELETE', `/api/forms/${bForm.id}`],
    ] as const) {
      const response = await t.api(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    expect((await t.api('GET', '/api/forms')).body.some((f: { id: number }) => f.id === bForm.id)).toBe(false);
    const refused = await t.api('POST', '/api/forms', { name: 'Mine', listIds: [bList], consentText: 'Yes' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.path).toBe('$.listIds');
    expect((await b.api('GET', `/api/forms/${bForm.id}`)).body.name).toBe('B form');
  });

  it('lets viewers read forms and editors write them', async () => {
    const listId = await newList('Roles');
    const viewer = await apiAs(t, 'viewer');
    const editor = await apiAs(t, 'editor');
    const created = await editor('POST', '/api/forms', { name: 'By an editor', listIds: [listId], consentText: 'Yes' });
    expect(created.status).toBe(201);
    expect((await viewer('GET', `/api/forms/${created.body.id}`)).status).toBe(200);
    expect((await viewer('POST', '/api/forms', { name: 'By a viewer', listIds: [listId], consentText: 'Yes' })).status).toBe(403);
    expect((await viewer('DELETE', `/api/forms/${created.body.id}`)).status).toBe(403);
  });
});
