import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';
import { useSpringSale } from '../../test/support/springSale.js';

/*
 * Spring sale, worked out by hand (SPEC §2; a click implies an open; no consent or
 * erased = no behaviour / not a recipient):
 *             all events                      human only
 *   openers   alice bob erin ivy jack         alice bob jack
 *   clickers  bob ivy                         bob
 *   active    = openers                       = openers
 *   inactive  carol frank                     carol erin frank ivy
 *   dan bounced (in the view, in no segment); gina skipped, hank erased: in no view.
 */
describeEachDatabase('segments on a known scenario', (kind) => {
  const { t, s } = useSpringSale(kind);

  async function members(query: string): Promise<string[]> {
    const ids: number[] = [];
    let cursor = '';
    for (;;) {
      const page = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?limit=3&${query}${cursor && `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((r: any) => r.contactId));
      if (!page.body.nextCursor) {
        expect(page.body.total).toBe(ids.length);
        return s.names(ids);
      }
      cursor = page.body.nextCursor;
    }
  }

  it('holds exactly the recipients of each segment, with all events and human only', async () => {
    expect(await members('')).toEqual(['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'ivy', 'jack']);
    expect(await members('segment=all')).toEqual(['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'ivy', 'jack']);
    expect(await members('segment=openers')).toEqual(['alice', 'bob', 'erin', 'ivy', 'jack']);
    expect(await members('segment=clickers')).toEqual(['bob', 'ivy']);
    expect(await members('segment=active')).toEqual(['alice', 'bob', 'erin', 'ivy', 'jack']);
    expect(await members('segment=inactive')).toEqual(['carol', 'frank']);
    expect(await members('segment=openers&human=true')).toEqual(['alice', 'bob', 'jack']);
    expect(await members('segment=clickers&human=true')).toEqual(['bob']);
    expect(await members('segment=active&human=true')).toEqual(['alice', 'bob', 'jack']);
    expect(await members('segment=inactive&human=true')).toEqual(['carol', 'erin', 'frank', 'ivy']);
  });

  it('counts each segment inside the view in the summary', async () => {
    const all = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients/summary`);
    expect(all.body).toEqual({ total: 8, segments: { openers: 5, clickers: 2, active: 5, inactive: 2 } });
    const human = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients/summary?human=true`);
    expect(human.body).toEqual({ total: 8, segments: { openers: 3, clickers: 1, active: 3, inactive: 4 } });
    const paris = encodeURIComponent(JSON.stringify({ field: 'contact.fields.city', op: 'eq', value: 'Paris' }));
    const inParis = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients/summary?filter=${paris}`);
    expect(inParis.body).toEqual({ total: 3, segments: { openers: 2, clickers: 1, active: 2, inactive: 1 } });
  });

  it('shows what each recipient did, links clicked without the honeypot, and nothing for a contact without consent', async () => {
    const page = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?limit=100`);
    const row = (name: string) => page.body.items.find((r: any) => r.contactId === s.ids[name]);
    expect(row('bob')).toMatchObject({
      email: 'bob@ricochet.test',
      firstName: 'Bob',
      status: 'delivered',
      received: true,
      opened: true,
      opens: 0,
      clicked: true,
      clicks: 3,
      links: [
        { linkId: s.links.sale, url: 'https://shop.example/sale', clicks: 2 },
        { linkId: s.links.shoes, url: 'https://shop.example/shoes', clicks: 1 },
      ],
      firstClickAt: new Date(Date.UTC(2025, 2, 3, 12)).toISOString(),
      unsubscribed: false,
      bounced: false,
    });
    expect(row('ivy')).toMatchObject({ clicked: true, clicks: 1, links: [] });
    expect(row('frank')).toMatchObject({ opened: false, opens: 0, firstOpenAt: null, trackingConsent: false, received: true });
    expect(row('dan')).toMatchObject({ status: 'bounced', bounced: true, bounceType: 'hard', received: false, opened: false });
    expect(row('jack')).toMatchObject({ opened: true, opens: 1, unsubscribed: true });
    const human = await t.api('GET', `/api/campaigns/${s.campaignId}/recipients?human=true&limit=100`);
    expect(human.body.items.find((r: any) => r.contactId === s.ids.erin)).toMatchObject({ opened: false, opens: 0, firstOpenAt: null });
    expect(human.body.items.find((r: any) => r.contactId === s.ids.alice)).toMatchObject({ opened: true, opens: 1 });
  });

  it('gives SMS campaigns clickers, active and inactive, and no openers', async () => {
    const sms = await addCampaign(t.ctx, { channel: 'sms', links: [{ url: 'https://shop.example/sale' }] });
    const clicker = await addContact(t.ctx, { phone: '+33612345601' });
    const idle = await addContact(t.ctx, { phone: '+33612345602' });
    await addMessage(t.ctx, sms.id, clicker, { clicks: 1, humanClicks: 1, links: { [sms.linkIds[0]!]: { clicks: 1, humanClicks: 1 } } });
    await addMessage(t.ctx, sms.id, idle, {});
    const summary = await t.api('GET', `/api/campaigns/${sms.id}/recipients/summary`);
    expect(summary.body).toEqual({ total: 2, segments: { openers: null, clickers: 1, active: 1, inactive: 1 } });
    const active = await t.api('GET', `/api/campaigns/${sms.id}/recipients?segment=active`);
    expect(active.body.items.map((r: any) => r.contactId)).toEqual([clicker]);
    expect(active.body.items[0]).toMatchObject({ opened: null, opens: null, clicked: true, clicks: 1 });
    const openers = await t.api('GET', `/api/campaigns/${sms.id}/recipients?segment=openers`);
    expect(openers.status).toBe(400);
    expect(openers.body.error.path).toBe('query.segment');
  });

  it('answers 404 for a campaign that does not exist', async () => {
    expect((await t.api('GET', '/api/campaigns/999999/recipients')).status).toBe(404);
  });
});
