import { beforeAll } from 'vitest';
import type { WorkspaceContext } from '../../src/context.js';
import { useTestApp, type TestApp } from './app.js';
import { addCampaign, addContact, addList, addMessage, type ContactSpec, type MessageSpec } from './audienceScenario.js';
import type { DatabaseKind } from './databases.js';

/**
 * One email campaign whose every recipient is known, with the segments worked out
 * by hand from SPEC §2 (see the table in the tests that use it).
 */
export const DAY = 86_400_000;
export const SENT_AT = Date.UTC(2025, 2, 3, 9, 0);

export async function springSale(ctx: WorkspaceContext) {
  const vip = await addList(ctx, 'VIP');
  const campaign = await addCampaign(ctx, {
    name: 'Spring sale',
    sentAt: SENT_AT,
    links: [{ url: 'https://shop.example/sale' }, { url: 'https://shop.example/shoes' }, { url: 'https://shop.example/trap', kind: 'honeypot' }],
  });
  const [sale, shoes, trap] = campaign.linkIds as [number, number, number];
  const at = (hours: number) => SENT_AT + hours * 3_600_000;
  const people: Record<string, [ContactSpec, MessageSpec]> = {
    // Opened three times, once as a person (the others: a privacy proxy).
    alice: [{ firstName: 'Alice', fields: { city: 'Paris', age: 34 }, listIds: [vip] }, { opens: 3, humanOpens: 1, firstOpenAt: at(1), lastOpenAt: at(30), firstHumanOpenAt: at(2), lastHumanOpenAt: at(2) }],
    // Clicked twice without loading images: a click implies an open.
    bob: [{ firstName: 'Bob', fields: { city: 'Lyon', age: 41 } }, { clicks: 3, humanClicks: 3, firstClickAt: at(3), lastClickAt: at(50), firstHumanClickAt: at(3), lastHumanClickAt: at(50), firstOpenAt: at(3), lastOpenAt: at(50), firstHumanOpenAt: at(3), lastHumanOpenAt: at(50), links: { [sale]: { clicks: 2, humanClicks: 2 }, [shoes]: { clicks: 1, humanClicks: 1 } } }],
    carol: [{ firstName: 'Carol', fields: { city: 'Paris' }, listIds: [vip] }, {}],
    dan: [{ firstName: 'Dan' }, { status: 'bounced', bounceType: 'hard' }],
    // Five machine opens (Apple Mail Privacy Protection), no human one.
    erin: [{ firstName: 'Erin', fields: { city: 'Lyon' } }, { opens: 5, firstOpenAt: at(0.1), lastOpenAt: at(80) }],
    // Opened before withdrawing tracking consent: nothing recorded counts any more.
    frank: [{ firstName: 'Frank', trackingConsent: false }, { opens: 2, humanOpens: 2, firstOpenAt: at(5), lastOpenAt: at(6) }],
    // Suppressed at send time: not a recipient.
    gina: [{ firstName: 'Gina' }, { status: 'skipped' }],
    // Erased since: no longer a person of any view.
    hank: [{ firstName: 'Hank', erased: true }, { opens: 1, humanOpens: 1, firstOpenAt: at(1), lastOpenAt: at(1) }],
    // A scanner followed the honeypot only.
    ivy: [{ firstName: 'Ivy', fields: { city: 'Paris' } }, { clicks: 1, firstClickAt: at(0.01), lastClickAt: at(0.01), firstOpenAt: at(0.01), lastOpenAt: at(0.01), links: { [trap]: { clicks: 1, humanClicks: 0 } } }],
    // Opened once, then unsubscribed.
    jack: [{ firstName: 'Jack', fields: { city: 'Nice' } }, { opens: 1, humanOpens: 1, firstOpenAt: at(20), lastOpenAt: at(20), firstHumanOpenAt: at(20), lastHumanOpenAt: at(20), unsubscribedAt: at(21) }],
  };
  const ids: Record<string, number> = {};
  for (const [name, [contact, message]] of Object.entries(people)) {
    ids[name] = await addContact(ctx, { email: `${name}@ricochet.test`, createdAt: SENT_AT - 10 * DAY, ...contact });
    await addMessage(ctx, campaign.id, ids[name]!, message);
  }
  const names = (contactIds: number[]) => contactIds.map((id) => Object.keys(ids).find((n) => ids[n] === id) ?? `#${id}`).sort();
  return { campaignId: campaign.id, links: { sale, shoes, trap }, vip, ids, names };
}

export type SpringSale = Awaited<ReturnType<typeof springSale>>;

/**
 * A suite's app with the Spring sale in it: `const { t, s } = useSpringSale(kind)`.
 * Both are filled in before the suite's tests run; the app closes after them.
 */
export function useSpringSale(kind: DatabaseKind): { t: TestApp; s: SpringSale } {
  const t = useTestApp(kind);
  const s = {} as SpringSale;
  beforeAll(async () => {
    Object.assign(s, await springSale(t.ctx));
  });
  return { t, s };
}
