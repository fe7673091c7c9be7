import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { SORT_KEYS } from './schemas.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';

const HOUR = 3_600_000;
const SENT = Date.UTC(2025, 2, 3, 9);

describeEachDatabase('recipients paging', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  beforeAll(async () => {
    ({ id: campaignId } = await addCampaign(t.ctx, { sentAt: SENT }));
    // Many ties and missing values in every column.
    for (let i = 0; i < 23; i++) {
      const contact = await addContact(t.ctx, {
        email: `p${(i * 7) % 23}@ricochet.test`,
        phone: i % 3 ? `+336000000${String(i).padStart(2, '0')}` : null,
        firstName: ['Ann', 'Bob', null, 'ann'][i % 4]!,
        lastName: i % 5 ? 'Same' : null,
        trackingConsent: i !== 4,
      });
      const opens = i % 3;
      const clicks = i % 4 === 1 ? 2 : 0;
      await addMessage(t.ctx, campaignId, contact, {
        status: i % 7 === 3 ? 'bounced' : 'delivered',
        opens,
        clicks,
        firstOpenAt: opens || clicks ? SENT + (i % 3) * HOUR : null,
        lastOpenAt: opens || clicks ? SENT + (i % 5) * HOUR : null,
        firstClickAt: clicks ? SENT + (i % 2) * HOUR : null,
        lastClickAt: clicks ? SENT + 2 * HOUR : null,
      });
    }
  });

  async function walk(query: string, limit: number) {
    const ids: number[] = [];
    const rows: any[] = [];
    let cursor = '';
    for (let guard = 0; guard < 100; guard++) {
      const page = await t.api('GET', `/api/campaigns/${campaignId}/recipients?limit=${limit}&${query}${cursor && `&cursor=${cursor}`}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.total).toBe(23);
      rows.push(...page.body.items);
      ids.push(...page.body.items.map((r: any) => r.contactId));
      if (!page.body.nextCursor) return { ids, rows };
      cursor = page.body.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('pages through every sort, both ways, without skipping or repeating a row', async () => {
    for (const key of SORT_KEYS) {
      for (const sort of [key, `-${key}`]) {
        const whole = await walk(`sort=${sort}`, 1000);
        const paged = await walk(`sort=${sort}`, 4);
        expect(paged.ids, sort).toEqual(whole.ids);
        expect(new Set(paged.ids).size, sort).toBe(23);
      }
    }
  });

  it('orders by the chosen column, missing values first ascending, then by contact', async () => {
    const opens = (await walk('sort=-opens', 5)).rows;
    for (let i = 1; i < opens.length; i++) {
      const [a, b] = [opens[i - 1], opens[i]];
      expect(a.opens > b.opens || (a.opens === b.opens && a.contactId > b.contactId)).toBe(true);
    }
    const lastOpen = (await walk('sort=lastOpenAt', 5)).rows.map((r: any) => r.lastOpenAt);
    const firstPresent = lastOpen.findIndex((v: string | null) => v !== null);
    expect(lastOpen.slice(0, firstPresent).every((v: string | null) => v === null)).toBe(true);
    expect(lastOpen.slice(firstPresent)).toEqual([...lastOpen.slice(firstPresent)].sort());
  });

  it('neither repeats nor skips rows already passed when recipients change between pages', async () => {
    const first = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=-opens&limit=5`);
    const seen = first.body.items.map((r: any) => r.contactId);
    // A newcomer that sorts before the cursor, and a recipient whose opens move it back to the top.
    const newcomer = await addContact(t.ctx, { email: 'late@ricochet.test' });
    await addMessage(t.ctx, campaignId, newcomer, { opens: 99, firstOpenAt: SENT, lastOpenAt: SENT });
    let cursor = first.body.nextCursor;
    const rest: number[] = [];
    while (cursor) {
      const page = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=-opens&limit=5&cursor=${cursor}`);
      rest.push(...page.body.items.map((r: any) => r.contactId));
      cursor = page.body.nextCursor;
    }
    expect(rest.filter((id) => seen.includes(id))).toEqual([]);
    expect(rest).not.toContain(newcomer);
    expect(seen.length + rest.length).toBe(23);
  });

  it('refuses a cursor made for another sort', async () => {
    const first = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=email&limit=2`);
    const wrong = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=-email&limit=2&cursor=${first.body.nextCursor}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.path).toBe('query.cursor');
  });
});
