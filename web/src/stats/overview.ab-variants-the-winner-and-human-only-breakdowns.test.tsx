// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../test/render';
import type { Campaign, CampaignStats, Right, Session } from '../types';
import { OverviewTab } from './OverviewTab';

const campaign = { id: 5, name: 'Spring sale', channel: 'email', status: 'sending', sentAt: '2026-04-01T10:00:00.000Z' } as unknown as Campaign;
const rates = (open: number, click: number) => ({ open, click, clickToOpen: click / open });
const counts = { total: 10, human: 5, unique: 8, humanUnique: 4, anonymous: 0 };
const rows = (name: string, opens: number) => [{ name, opens, clicks: 1 }];

const stats = {
  campaignId: 5,
  channel: 'email',
  recipients: 1000,
  sent: 980,
  received: 970,
  skipped: 20,
  bounced: { hard: 8, soft: 2 },
  opens: counts,
  clicks: counts,
  unsubscribed: 0,
  complained: 0,
  rates: rates(0.5, 0.1),
  humanRates: rates(0.3, 0.08),
  links: [],
  timeline: [],
  breakdown: { devices: rows('desktop', 9), clients: rows('Apple Mail (Privacy Protection)', 7), os: rows('macOS', 9), human: { devices: rows('desktop', 2), clients: rows('Apple Mail', 2), os: rows('macOS', 2) } },
  variants: [
    { key: 'A', sent: 100, received: 99, opens: counts, clicks: counts, rates: rates(0.6, 0.05), humanRates: rates(0.2, 0.04), probabilityBest: 0.02 },
    { key: 'B', sent: 100, received: 98, opens: counts, clicks: counts, rates: rates(0.4, 0.12), humanRates: rates(0.35, 0.11), probabilityBest: 0.98 },
  ],
  ab: { status: 'testing', winner: null, reason: null, criterion: 'humanClickRate', decideAt: '2026-04-01T14:30:00.000Z', decidedAt: null },
} as unknown as CampaignStats;

function renderAs(rights: Right[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const session = {
    user: { id: 1, email: 'a@example.test' },
    csrfToken: 'token',
    publicUrl: 'http://localhost',
    smsStopText: 'STOP',
    workspace: { id: 1, name: 'Brand', role: rights.includes('send') ? 'admin' : 'editor', rights },
    workspaces: [],
  } as unknown as Session;
  client.setQueryData(['session'], session);
  return renderInApp(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter>
          <OverviewTab campaign={campaign} stats={stats} />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('an A/B campaign on the Overview', () => {
  it('shows the variants side by side with human and all-events rates and the chance of being best, and sends the chosen one at once after a confirmation', async () => {
    const posted: Array<{ url: string; body: unknown }> = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      posted.push({ url, body: JSON.parse(String(init?.body ?? 'null')) });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    vi.stubGlobal('confirm', () => true);
    renderAs(['read', 'edit', 'send']);
    const table = screen.getByRole('table', { name: 'The variants side by side' });
    const b = within(table).getByRole('rowheader', { name: 'B' }).closest('tr')!;
    expect(within(b).getAllByRole('cell').map((c) => c.textContent)).toEqual(['100', '98', '35% / 40%', '11% / 12%', '98%']);
    expect(screen.getByTestId('ab-state').textContent).toMatch(/^Testing until Apr 1, 2026, \d\d:30, then the leader on human click rate goes to the rest\.$/);
    await userEvent.click(screen.getByRole('button', { name: 'Send variant B to the rest now' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({ url: '/api/campaigns/5/ab/winner', body: { variant: 'B' } });
  });

  it('offers no winner button without the send right', () => {
    renderAs(['read', 'edit']);
    expect(screen.queryByRole('button', { name: /Send variant/ })).toBeNull();
  });
});

describe('Human only', () => {
  it('switches devices, email clients and systems to people’s events too, and counts sent apart from skipped', async () => {
    renderAs(['read']);
    expect(screen.getByText('Apple Mail (Privacy Protection)')).toBeTruthy();
    expect(screen.getByText(/20 skipped, never sent/)).toBeTruthy();
    await userEvent.click(screen.getByText('Human only'));
    await waitFor(() => expect(screen.queryByText('Apple Mail (Privacy Protection)')).toBeNull());
    expect(screen.getByText('Apple Mail')).toBeTruthy();
  });
});
