// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutoRelaunches, Relaunches } from '../campaigns/Relaunches';
import { renderInApp } from '../test/render';
import type { Campaign, Lineage, Session } from '../types';
import { ActionsMenu } from './ActionsMenu';
import { RecipientsTable } from './RecipientsTable';

const campaign = {
  id: 5,
  name: 'Spring sale',
  channel: 'email',
  status: 'sent',
  subject: 'Spring is here',
  listIds: [1],
  parentCampaignId: null,
  audienceLabel: null,
  sentAt: '2026-04-01T10:00:00.000Z',
  abTest: null,
} as unknown as Campaign;

function renderWith(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const session: Session = {
    user: { id: 1, email: 'owner@example.test' },
    csrfToken: 'token',
    publicUrl: 'http://localhost',
    smsStopText: 'STOP',
    workspace: { id: 1, name: 'Brand', role: 'owner', rights: ['read', 'edit', 'send', 'export', 'manage'] },
    workspaces: [{ id: 1, name: 'Brand', role: 'owner' }],
  };
  client.setQueryData(['session'], session);
  const wrap = (inner: ReactElement) => (
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter>{inner}</MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
  const rendered = renderInApp(wrap(ui));
  return { ...rendered, rerender: (next: ReactElement) => rendered.rerender(wrap(next)) };
}

/** Answers the app's requests by path; records what it posted. */
function serve(routes: Record<string, unknown>) {
  const posted: Array<{ path: string; body: unknown }> = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const path = new URL(input, 'http://localhost').pathname;
    if (init?.method === 'POST') posted.push({ path, body: JSON.parse(String(init.body)) });
    const found = Object.entries(routes).find(([prefix]) => path.startsWith(prefix));
    return new Response(JSON.stringify(found ? found[1] : {}), { status: found ? 200 : 404, headers: { 'content-type': 'application/json' } });
  });
  return posted;
}

afterEach(() => vi.unstubAllGlobals());

const row = (over: Record<string, unknown>) => ({
  contactId: 1,
  messageId: 1,
  email: 'ada@example.test',
  phone: null,
  firstName: null,
  lastName: null,
  status: 'delivered',
  received: true,
  opened: false,
  opens: 0,
  clicked: false,
  clicks: 0,
  links: [],
  firstOpenAt: null,
  lastOpenAt: null,
  firstClickAt: null,
  lastClickAt: null,
  unsubscribed: false,
  bounced: false,
  bounceType: null,
  complained: false,
  trackingConsent: true,
  variant: null,
  ...over,
});

describe('Behavioral tracking rows say what happened', () => {
  it('says "opened (by a click)" for a click without a pixel load, flags a scanner row as machine, and names links by their path', async () => {
    const links = [1, 2, 3, 4].map((i) => ({ linkId: i, url: `https://shop.example.com/spring/item-${i}`, clicks: i === 1 ? 2 : 1 }));
    serve({
      '/api/campaigns/5/recipients': {
        total: 3,
        nextCursor: null,
        items: [
          row({ contactId: 1, email: 'clicker@example.test', opened: true, opens: 0, clicked: true, clicks: 1, humanOpens: 0, humanClicks: 1, links: [links[0]] }),
          row({ contactId: 2, email: 'scanner@example.test', opened: true, opens: 0, clicked: true, clicks: 5, humanOpens: 0, humanClicks: 0, links }),
          row({ contactId: 3, email: 'gone@example.test', received: false, status: 'bounced', bounced: true, bounceType: 'hard' }),
        ],
      },
    });
    const labels = new Map([1, 2, 3, 4].map((i) => [i, `/spring/item-${i}`]));
    renderWith(<RecipientsTable campaignId={5} channel="email" audience={{}} linkLabels={labels} />);
    const clicker = (await screen.findByText('clicker@example.test')).closest('tr')!;
    expect(within(clicker).getByText('opened (by a click)')).toBeTruthy();
    expect(within(clicker).queryByText(/machine/)).toBeNull();
    const scanner = screen.getByText('scanner@example.test').closest('tr')!;
    expect(within(scanner).getByText('machine')).toBeTruthy();
    expect(within(scanner).getByText('/spring/item-1 ×2')).toBeTruthy();
    expect(within(scanner).queryByText(/opened ×0/)).toBeNull();
    expect(screen.getByText('hard bounce')).toBeTruthy();
  });
});

describe('Actions on the view as it is now', () => {
  it('proposes a list name that follows the segment and filters of each opening', async () => {
    serve({ '/api/campaigns/5/guard': { total: 0, dormant: 0, lastN: 3 } });
    const user = userEvent.setup();
    const { rerender } = renderWith(<ActionsMenu campaign={campaign} audience={{}} count={10} />);
    const openCreateList = async () => {
      await user.click(screen.getByRole('button', { name: /Actions/ }));
      await user.click(await screen.findByRole('menuitem', { name: 'Create a list' }));
      return (await screen.findByLabelText(/List name/)) as HTMLInputElement;
    };
    expect((await openCreateList()).value).toBe('Spring sale - all');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const view = { segment: 'openers' as const, filter: { match: 'all' as const, conditions: [{ field: 'contact.fields.city', op: 'eq', value: 'Paris' }] }, human: true };
    rerender(<ActionsMenu campaign={campaign} audience={view} count={3} />);
    await waitFor(() => expect(screen.queryByLabelText(/List name/)).toBeNull());
    expect((await openCreateList()).value).toBe('Spring sale - openers, city is Paris, human only');
  });

  it('shows the relaunch guard and leaves the dormant out when asked', async () => {
    const posted = serve({
      '/api/campaigns/5/guard': { total: 5000, dormant: 412, lastN: 3 },
      '/api/campaigns/5/actions/relaunch': { campaign: { ...campaign, id: 9 }, count: 4588 },
    });
    const user = userEvent.setup();
    renderWith(<ActionsMenu campaign={campaign} audience={{ segment: 'inactive' }} count={5000} />);
    await user.click(screen.getByRole('button', { name: /Actions/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Relaunch' }));
    expect((await screen.findByTestId('relaunch-guard')).textContent).toBe('412 of 5,000 have ignored their last 3 campaigns.');
    await user.click(screen.getByLabelText('Leave them out'));
    await user.click(screen.getByRole('button', { name: 'Create the relaunch' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]!.body).toMatchObject({ segment: 'inactive', excludeDormant: true, lastN: 3 });
  });
});

describe('the parent beside its relaunches', () => {
  it('shows — for a relaunch draft, never 0 %', async () => {
    const rates = (r: number) => ({ open: r, click: r, clickToOpen: r });
    const item = (role: 'campaign' | 'relaunch', id: number, sentAt: string | null, value: number) => ({
      role,
      campaign: { id, name: `Campaign ${id}`, channel: 'email', status: sentAt ? 'sent' : 'draft', audienceLabel: role === 'relaunch' ? 'openers' : null, parentCampaignId: null, sentAt },
      sent: value ? 100 : 0,
      received: value ? 90 : 0,
      openers: 0,
      clickers: 0,
      unsubscribed: 0,
      rates: rates(value),
      humanRates: rates(value),
    });
    const lineage: Lineage = { items: [item('campaign', 5, campaign.sentAt, 0.25), item('relaunch', 9, null, 0)] } as Lineage;
    serve({ '/api/campaigns/5/lineage': lineage });
    renderWith(<Relaunches campaign={campaign} />);
    const draft = (await screen.findByText('Campaign 9')).closest('tr')!;
    const cells = within(draft).getAllByRole('cell').map((c) => c.textContent);
    expect(cells.slice(4)).toEqual(['—', '—', '—', '—', '—', '—']);
    const original = screen.getByText('Campaign 5').closest('tr')!;
    expect(within(original).getAllByText('25%')).toHaveLength(4);
  });
});

describe('auto-relaunch in the app', () => {
  it('plans one on a sent campaign, shows it and cancels it', async () => {
    const planned = { id: 21, campaignId: 5, afterDays: 3, segment: 'inactive', human: true, subject: 'Did you miss it?', runAt: '2026-04-04T10:00:00.000Z', status: 'pending', relaunchCampaignId: null, createdAt: '2026-04-01T11:00:00.000Z' };
    let list: unknown[] = [];
    const posted: Array<{ path: string; body: unknown }> = [];
    vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
      const path = new URL(input, 'http://localhost').pathname;
      if (init?.method === 'POST') {
        posted.push({ path, body: init.body ? JSON.parse(String(init.body)) : null });
        list = path.endsWith('/cancel') ? [{ ...planned, status: 'cancelled' }] : [planned];
      }
      return new Response(JSON.stringify(path.endsWith('/auto-relaunch') && init?.method !== 'POST' ? list : planned), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const user = userEvent.setup();
    renderWith(<AutoRelaunches campaign={campaign} />);
    await screen.findByText('None planned.');
    await user.type(screen.getByLabelText('New subject (optional)'), 'Did you miss it?');
    await user.click(screen.getByRole('button', { name: 'Plan the auto-relaunch' }));
    expect((await screen.findByTestId('auto-relaunch')).textContent).toMatch(/^To the inactive \(received, no open or click\) \(human events only\), 3 days after the send, on Apr 4, 2026, \d\d:00 with the subject “Did you miss it\?”planned/);
    expect(posted[0]).toEqual({ path: '/api/campaigns/5/auto-relaunch', body: { afterDays: 3, segment: 'inactive', human: true, subject: 'Did you miss it?' } });
    await user.click(screen.getByRole('button', { name: 'Cancel auto-relaunch' }));
    await screen.findByText('cancelled');
    expect(posted[1]!.path).toBe('/api/campaigns/5/auto-relaunch/21/cancel');
  });
});
