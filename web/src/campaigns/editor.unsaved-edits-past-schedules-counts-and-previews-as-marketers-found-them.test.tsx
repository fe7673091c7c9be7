// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Link, MemoryRouter, RouterProvider, createMemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { smsParts } from '../../../src/delivery/sms/encoding';
import { parseSmsTemplate } from '../../../src/delivery/sms/template';
import { renderInApp } from '../test/render';
import type { Campaign, Session } from '../types';
import { CampaignEditor } from './CampaignEditor';
import { SendPanel } from './SendPanel';

/**
 * Issue 17's broken items in the campaign editor and send panel, and issue 14's A/B section,
 * checklist and guard line, each against the calls the app makes (fetch answers as the API does).
 */
const PUBLIC_URL = 'https://r.example';
const session: Session = {
  user: { id: 1, email: 'owner@example.test' },
  csrfToken: 'token',
  publicUrl: PUBLIC_URL,
  smsStopText: 'STOP au 36111',
  workspace: { id: 1, name: 'Brand', role: 'owner', rights: ['read', 'edit', 'send', 'export', 'manage'] },
  workspaces: [{ id: 1, name: 'Brand', role: 'owner' }],
};

const base = {
  id: 5,
  name: 'Spring sale',
  status: 'draft',
  subject: 'Spring is here',
  preheader: null,
  fromEmail: 'news@shop.test',
  fromName: 'Shop',
  replyTo: null,
  html: '<p>Hi</p>',
  design: null,
  text: null,
  body: null,
  senderId: null,
  listIds: [1],
  parentCampaignId: null,
  audienceLabel: null,
  scheduledAt: null,
  sentAt: null,
  finishedAt: null,
  statusReason: null,
  abTest: null,
  ab: null,
  excludeDormant: null,
  archivedAt: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};
const email = (patch: Partial<Campaign> = {}) => ({ ...base, channel: 'email', ...patch }) as Campaign;
const sms = (patch: Partial<Campaign> = {}) => ({ ...base, channel: 'sms', subject: null, fromEmail: null, fromName: null, html: null, senderId: 'SHOP', ...patch }) as Campaign;

type Call = { method: string; path: string; body: any };
let calls: Call[];
let answers: Record<string, unknown>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Answers `METHOD /path` (query string included, or the path alone) from `answers`; a PATCH answers the campaign with the body applied. */
function serve() {
  vi.stubGlobal('fetch', async (path: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, body });
    const key = `${method} ${path}`;
    const bare = `${method} ${path.split('?')[0]}`;
    if (key in answers) return json(200, answers[key]);
    if (bare in answers) return json(200, answers[bare]);
    if (method === 'PATCH') return json(200, { ...(answers.campaign as object), ...body, updatedAt: new Date().toISOString() });
    return new Promise<Response>(() => {}); // not part of the test: stays pending
  });
}

function clientWith(campaign?: Campaign) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(['session'], session);
  if (campaign) client.setQueryData(['campaign', campaign.id], campaign);
  return client;
}

/** The campaign page's pair: the send panel over the editor, both following the cached campaign. */
function Page({ id }: { id: number }) {
  const { data } = useQuery<Campaign>({ queryKey: ['campaign', id], queryFn: () => new Promise(() => {}), enabled: false });
  if (!data) return null;
  return (
    <>
      <SendPanel campaign={data} />
      <CampaignEditor campaign={data} channel={data.channel} />
    </>
  );
}

function renderPage(campaign: Campaign) {
  answers.campaign = campaign;
  const client = clientWith(campaign);
  return renderInApp(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter>
          <Page id={campaign.id} />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

beforeEach(() => {
  calls = [];
  answers = {};
  serve();
});
afterEach(() => vi.unstubAllGlobals());

describe('unsaved edits', () => {
  it('saves the subject on screen before a test send, says so, and names a bad address in plain words', async () => {
    answers['POST /api/campaigns/5/test'] = { sent: ['ada@example.test'], failed: [{ email: 'bob@example', reason: 'this is not a valid email address' }] };
    renderPage(email());
    fireEvent.change(screen.getByLabelText(/^Subject/), { target: { value: 'Last days of spring' } });
    fireEvent.change(screen.getByLabelText('Send a test to'), { target: { value: 'ada@example.test, bob@example' } });
    fireEvent.click(await screen.findByRole('button', { name: 'Save and send test' }));
    const result = await screen.findByRole('status', { name: 'Test send result' });
    const writes = calls.filter((c) => c.method !== 'GET');
    expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual(['PATCH /api/campaigns/5', 'POST /api/campaigns/5/test']);
    expect(writes[0]!.body.subject).toBe('Last days of spring');
    expect(writes[1]!.body).toEqual({ emails: ['ada@example.test', 'bob@example'] });
    expect(result.textContent).toContain('Your edits were saved, then the test was sent to ada@example.test.');
    expect(result.textContent).toContain('Not sent to bob@example: this is not a valid email address.');
  });

  it('asks before leaving with unsaved edits (a link in the app, and closing the tab), and lets the user stay or leave', async () => {
    answers.campaign = email();
    const router = createMemoryRouter(
      [
        { path: '/campaigns/5', element: <><Link to="/contacts">Contacts</Link><CampaignEditor campaign={email()} channel="email" /></> },
        { path: '/contacts', element: <h1>Contacts page</h1> },
      ],
      { initialEntries: ['/campaigns/5'] },
    );
    renderInApp(
      <MantineProvider env="test">
        <QueryClientProvider client={clientWith(email())}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>,
    );
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(unload()).toBe(false);
    fireEvent.change(screen.getByLabelText(/^Campaign name/), { target: { value: 'Spring sale, last days' } });
    expect(unload()).toBe(true);
    fireEvent.click(screen.getByRole('link', { name: 'Contacts' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stay on this page' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(router.state.location.pathname).toBe('/campaigns/5');
    expect((screen.getByLabelText(/^Campaign name/) as HTMLInputElement).value).toBe('Spring sale, last days');
    fireEvent.click(screen.getByRole('link', { name: 'Contacts' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Leave without saving?' })).getByRole('button', { name: 'Leave and lose the edits' }));
    await screen.findByRole('heading', { name: 'Contacts page' });
  });
});

describe('creating a campaign', () => {
  it('opens the new draft once created, without asking about edits that were just saved', async () => {
    answers['POST /api/campaigns'] = sms({ id: 9, name: 'Flash sale', body: 'Flash sale today' });
    const router = createMemoryRouter(
      [
        { path: '/campaigns/new', element: <CampaignEditor channel="sms" /> },
        { path: '/campaigns/:id', element: <h1>Campaign page</h1> },
      ],
      { initialEntries: ['/campaigns/new'] },
    );
    renderInApp(
      <MantineProvider env="test">
        <QueryClientProvider client={clientWith()}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>,
    );
    fireEvent.change(screen.getByLabelText(/^Campaign name/), { target: { value: 'Flash sale' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Flash sale today' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create draft' }));
    await screen.findByRole('heading', { name: 'Campaign page' });
    expect(router.state.location.pathname).toBe('/campaigns/9');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('the send panel', () => {
  it('asks before sending at a time that has passed, and then sends now, never at the past time', async () => {
    const confirm = vi.fn(() => false);
    window.confirm = confirm;
    answers['POST /api/campaigns/5/send'] = email({ status: 'sending' });
    answers['GET /api/campaigns/5/checks'] = { items: [] };
    renderPage(email());
    fireEvent.change(screen.getByLabelText(/Or schedule for/), { target: { value: '2020-03-01T09:30' } });
    expect(screen.getByText('This time has passed')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Schedule' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('this time has passed. Send "Spring sale" now?'));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    confirm.mockReturnValue(true as never);
    fireEvent.click(screen.getByRole('button', { name: 'Schedule' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toEqual([{ method: 'POST', path: '/api/campaigns/5/send', body: {} }]));
  });

  it('blocks sending while a check fails, saying why, and shows warnings', async () => {
    answers['GET /api/campaigns/5/checks'] = {
      items: [
        { code: 'image_without_alt', level: 'warning', message: 'An image has no alt text' },
        { code: 'unknown_merge_tag', level: 'error', message: '{{ contact.fields.cty }} names no field' },
      ],
    };
    renderPage(email());
    const checklist = await screen.findByRole('region', { name: 'Pre-send checks' });
    await within(checklist).findByText('{{ contact.fields.cty }} names no field');
    expect(within(checklist).getByText('An image has no alt text')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send now' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Sending is blocked until this is fixed: {{ contact.fields.cty }} names no field')).toBeTruthy();
  });

  it('says how many ignored their last 3 campaigns and leaves them out of the send when asked', async () => {
    window.confirm = () => true;
    answers['GET /api/campaigns/5/checks'] = { items: [] };
    answers['GET /api/campaigns/5/guard?lastN=3'] = { total: 5000, dormant: 412, lastN: 3 };
    answers['POST /api/campaigns/5/send'] = email({ status: 'sending' });
    renderPage(email());
    await screen.findByText(/^412 of 5,000 have ignored their last 3 campaigns/);
    fireEvent.click(screen.getByLabelText('Leave them out'));
    fireEvent.click(screen.getByRole('button', { name: 'Send now' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toEqual([{ method: 'POST', path: '/api/campaigns/5/send', body: { excludeDormant: true, lastN: 3 } }]));
  });
});

describe('counts and previews', () => {
  it('counts an SMS audience by phone, in the picker as in the send panel', async () => {
    answers['GET /api/audience-count?listIds=1&channel=sms'] = { contacts: 1514, reachable: 1490 };
    answers['GET /api/audience-count?listIds=1&channel=email'] = { contacts: 1514, reachable: 24 };
    answers['GET /api/campaigns/5/sms-preview'] = { maxParts: 3, audience: 1490, sample: { contactId: null, characters: 40, encoding: 'gsm7', parts: 1, perPart: 160, text: '' }, longest: { contactId: null, characters: 40, encoding: 'gsm7', parts: 1, perPart: 160 }, overMaxParts: 0 };
    renderPage(sms({ body: 'Spring sale' }));
    await screen.findByText('1,490 recipients (of 1,514 contacts: the others are unsubscribed, pending, bounced or have no phone number)');
    expect((await screen.findByRole('status', { name: 'SMS audience' })).textContent).toMatch(/^1,490 recipients\. /);
    expect(calls.some((c) => c.path.includes('channel=email'))).toBe(false);
  });

  it("counts the SMS's characters as the server does for the same contact: merge tags filled in, short links, STOP", async () => {
    const body = 'Hi {{ contact.firstName | default: "there" }}, the spring sale ends Sunday: https://shop.example.com/spring-sale-2026?utm_source=sms';
    const bob = { id: 7, email: null, phone: '+33612345678', firstName: 'Bob', lastName: 'Martin', fields: {} };
    answers['GET /api/campaigns/5/sms-preview'] = { maxParts: 3, audience: 1, sample: { contactId: 7, characters: 0, encoding: 'gsm7', parts: 1, perPart: 160, text: '' }, longest: { contactId: 7, characters: 0, encoding: 'gsm7', parts: 1, perPart: 160 }, overMaxParts: 0 };
    answers['GET /api/contacts/7'] = bob;
    renderPage(sms({ body }));
    const server = parseSmsTemplate(body, { stopText: session.smsStopText!, campaignName: 'Spring sale' }).render({ contactId: 7, ...bob }, () => `${PUBLIC_URL}/s/xxxxxxxx`);
    const expected = smsParts(server).characters;
    expect(expected).toBeLessThan(body.length); // the tag's own characters are not sent
    const counter = screen.getByRole('status', { name: 'SMS length' });
    await waitFor(() => expect(counter.textContent).toContain(`${expected} characters for Bob Martin`));
  });

  it("previews the email with a real contact of the audience and their custom fields", async () => {
    answers['GET /api/contacts?listId=1&limit=20'] = { items: [{ id: 3, email: 'ada@shop.test', phone: null, firstName: 'Ada', lastName: 'Lovelace', fields: { city: 'Paris' } }], nextCursor: null };
    renderPage(email({ html: '<p>See you in {{ contact.fields.city | default: "town" }}</p>' }));
    await screen.findByText('Preview (merged with Ada Lovelace)');
    const frame = screen.getByTitle('Email preview') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toContain('See you in Paris');
  });

  it('shows a sent campaign as text and its email as sent, with nothing that looks editable', () => {
    const sent = email({ status: 'sent', sentAt: '2026-12-01T11:00:00.000Z' });
    renderInApp(
      <MantineProvider env="test">
        <QueryClientProvider client={clientWith(sent)}>
          <MemoryRouter>
            <CampaignEditor campaign={sent} channel="email" />
          </MemoryRouter>
        </QueryClientProvider>
      </MantineProvider>,
    );
    expect(screen.queryAllByRole('textbox')).toEqual([]);
    expect(screen.queryByRole('button', { name: /Save/ })).toBeNull();
    expect(screen.getByText('Spring is here')).toBeTruthy();
    expect(screen.getByTitle('Email as sent')).toBeTruthy();
  });
});

describe('the A/B section', () => {
  it('is off by default; on, it splits the audience, adds variants as tabs and saves them as abTest', async () => {
    answers['GET /api/audience-count?listIds=1&channel=email'] = { contacts: 1000, reachable: 1000 };
    renderPage(email());
    const section = screen.getByRole('region', { name: 'A/B test' });
    expect(within(section).queryByRole('tablist')).toBeNull();
    fireEvent.click(within(section).getByRole('switch', { name: /A\/B test/ }));
    await within(section).findByText('200 people get a variant (100 each), 800 get the winner.');
    expect(within(section).getByText(/Only opens and clicks by people count/)).toBeTruthy();
    fireEvent.click(within(section).getByRole('tab', { name: 'Variant B' }));
    fireEvent.change(await within(section).findByLabelText(/^Subject of variant B/), { target: { value: 'Spring ends Sunday' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Add variant C' }));
    expect(within(section).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Variant A', 'Variant B', 'Variant C']);
    await within(section).findByText('200 people get a variant (66 each), 800 get the winner.');
    fireEvent.click(within(section).getByLabelText('Open rate, by people'));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')!.body.abTest).toEqual({
      variants: [{ key: 'A' }, { key: 'B', subject: 'Spring ends Sunday' }, { key: 'C' }],
      testPercent: 20,
      criterion: 'humanOpenRate',
      waitMinutes: 240,
    });
  });
});
