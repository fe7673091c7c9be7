import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';

/*
 * "Clicked link n" reads the messages' click masks (migration 012) for the first 52
 * positions and message_links beyond: whatever writes the rows (insert, upsert,
 * recount to 0, delete), the view answers what the rows say, on either side of 52.
 */
describeEachDatabase('clicked link follows every write to message_links', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  let links: number[];
  let messageId: number;

  beforeAll(async () => {
    // 60 links: the 2nd has a bit in the masks, the 60th has none.
    ({ id: campaignId, linkIds: links } = await addCampaign(t.ctx, { links: Array.from({ length: 60 }, (_, i) => ({ url: `https://shop.example/p${i + 1}` })) }));
    const someone = await addContact(t.ctx, { email: 'someone@ricochet.test' });
    messageId = await addMessage(t.ctx, campaignId, someone, { opens: 1, clicks: 1, humanClicks: 1 });
    await addMessage(t.ctx, campaignId, await addContact(t.ctx, { email: 'other@ricochet.test' }), { opens: 1 });
  });

  async function count(linkId: number, clicked: boolean, human = false) {
    const filter = JSON.stringify({ field: 'clickedLink', linkId, op: 'is', value: clicked, ...(human && { human }) });
    const res = await t.api('GET', `/api/campaigns/${campaignId}/recipients?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(200);
    return res.body.total as number;
  }
  const upsert = (linkId: number, clicks: number, humanClicks: number) =>
    t.ctx.store.db
      .insertInto('message_links')
      .values({ message_id: messageId, link_id: linkId, campaign_id: campaignId, clicks, human_clicks: humanClicks, first_click_at: 1, last_click_at: 1 })
      .onConflict((oc) => oc.columns(['message_id', 'link_id']).doUpdateSet({ clicks: sql`excluded.clicks`, human_clicks: sql`excluded.human_clicks` }))
      .execute();

  for (const position of [2, 60]) {
    describe(`link at position ${position}`, () => {
      const link = () => links[position - 1]!;
      it('is clicked once a row with clicks exists, by people once its human clicks do', async () => {
        expect([await count(link(), true), await count(link(), false)]).toEqual([0, 2]);
        await upsert(link(), 0, 0);
        expect(await count(link(), true)).toBe(0);
        await upsert(link(), 2, 0);
        expect([await count(link(), true), await count(link(), false), await count(link(), true, true)]).toEqual([1, 1, 0]);
        await upsert(link(), 3, 1);
        expect([await count(link(), true, true), await count(link(), false, true)]).toEqual([1, 1]);
      });

      it('is no longer clicked when a recount takes the row back to 0 or the row goes', async () => {
        await t.ctx.store.db.updateTable('message_links').set({ human_clicks: 0 }).where('message_id', '=', messageId).where('link_id', '=', link()).execute();
        expect([await count(link(), true), await count(link(), true, true)]).toEqual([1, 0]);
        await t.ctx.store.db.deleteFrom('message_links').where('message_id', '=', messageId).where('link_id', '=', link()).execute();
        expect([await count(link(), true), await count(link(), false)]).toEqual([0, 2]);
      });
    });
  }

  it('keeps the other links of the message apart', async () => {
    await upsert(links[0]!, 1, 1);
    await upsert(links[2]!, 1, 0);
    expect([await count(links[0]!, true), await count(links[1]!, true), await count(links[2]!, true), await count(links[2]!, true, true)]).toEqual([1, 0, 1, 0]);
  });
});
