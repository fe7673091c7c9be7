import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { addCampaign, addContact, addMessage } from '../../test/support/audienceScenario.js';
import { describeEachDatabase } from '../../test/support/databases.js';

describeEachDatabase('Behavioral tracking rows and machine events', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;

  beforeAll(async () => {
    campaignId = (await addCampaign(t.ctx)).id;
    const add = async (email: string, spec: Parameters<typeof addMessage>[3], trackingConsent = true) =>
      addMessage(t.ctx, campaignId, await addContact(t.ctx, { email, trackingConsent }), spec);
    // A link scanner followed every link; a person opened twice behind a privacy proxy that loaded the pixel three times.
    await add('scanned@example.test', { opens: 0, clicks: 5, humanClicks: 0 });
    await add('person@example.test', { opens: 5, humanOpens: 2, clicks: 1, humanClicks: 1 });
    await add('private@example.test', { opens: 3, humanOpens: 3 }, false);
  });

  it('gives each row its human opens and clicks beside all of them, so that the app can say when they were machines', async () => {
    const { body } = await t.api('GET', `/api/campaigns/${campaignId}/recipients?sort=email`);
    const rows = Object.fromEntries(body.items.map((r: any) => [r.email, [r.opens, r.humanOpens, r.clicks, r.humanClicks]]));
    expect(rows).toEqual({
      'person@example.test': [5, 2, 1, 1],
      // No tracking consent: no behaviour per person at all.
      'private@example.test': [0, 0, 0, 0],
      'scanned@example.test': [0, 0, 5, 0],
    });
  });
});
