// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CampaignsPage } from '../campaigns/CampaignsPage';
import { renderInApp } from '../test/render';
import type { Campaign, Contact, Right, Role, Session } from '../types';
import { ContactsPage } from './ContactsPage';

const RIGHTS: Record<Role, Right[]> = {
  owner: ['read', 'edit', 'send', 'export', 'manage'],
  admin: ['read', 'edit', 'send', 'export', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

const campaign = (id: number, name: string, status: Campaign['status'], archivedAt: string | null = null) =>
  ({ id, name, channel: 'email', status, listIds: [], parentCampaignId: null, sentAt: status === 'draft' ? null : '2025-04-01T10:00:00.000Z', scheduledAt: null, archivedAt }) as unknown as Campaign;

const contact = (id: number, email: string) =>
  ({ id, email, phone: null, firstName: null, lastName: null, fields: {}, emailStatus: 'subscribed', smsStatus: 'subscribed', trackingConsent: true, createdAt: '2025-04-01T10:00:00.000Z' }) as unknown as Contact;

/** As a user of `role`, with the pages' first answers in the cache (the keys usePagedQuery builds); nothing is fetched. */
function renderAs(role: Role, ui: React.ReactElement, cache: Array<[unknown[], unknown]>) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, enabled: false } } });
  const session: Session = {
    user: { id: 1, email: `${role}@example.test` },
    csrfToken: 'token',
    publicUrl: 'http://localhost',
    smsStopText: 'STOP',
    workspace: { id: 1, name: 'Brand', role, rights: RIGHTS[role] },
    workspaces: [{ id: 1, name: 'Brand', role }],
  } as Session;
  client.setQueryData(['session'], session);
  for (const [key, data] of cache) client.setQueryData(key, data);
  return renderInApp(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter>{ui}</MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const page = <T,>(items: T[]) => ({ total: items.length, items, nextCursor: null });

describe('everyday gestures are offered by role and by the state of what they act on', () => {
  beforeEach(() => void vi.stubGlobal('fetch', () => new Promise(() => {})));

  const campaigns: Array<[unknown[], unknown]> = [
    [['/api/campaigns', { search: '', status: null, channel: null }, undefined, 50], page([campaign(3, 'Draft', 'draft'), campaign(2, 'Spring sale', 'sent'), campaign(1, 'Winter sale', 'sent', '2025-05-01T10:00:00.000Z')])],
  ];

  it('offers Duplicate everywhere, Delete draft on a draft, Archive on a sent campaign and Unarchive on an archived one; a viewer none', async () => {
    const user = userEvent.setup();
    const view = renderAs('editor', <CampaignsPage />, campaigns);
    const menu = async (name: string) => {
      await user.click(screen.getByRole('button', { name: `Actions for ${name}` }));
      const items = (await screen.findAllByRole('menuitem')).map((item) => item.textContent);
      await user.keyboard('{Escape}');
      return items;
    };
    expect(await menu('Draft')).toEqual(['Duplicate', 'Delete draft']);
    expect(await menu('Spring sale')).toEqual(['Duplicate', 'Archive']);
    expect(await menu('Winter sale')).toEqual(['Duplicate', 'Unarchive']);
    expect(within(screen.getByRole('row', { name: /Winter sale/ })).getByText('archived')).toBeTruthy();
    view.unmount();
    renderAs('viewer', <CampaignsPage />, campaigns);
    expect(screen.getByRole('link', { name: 'Spring sale' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Actions for/ })).toBeNull();
  });

  const contacts: Array<[unknown[], unknown]> = [
    [['/api/contacts', { search: '' }, undefined, 50], page([contact(1, 'ada@example.test'), contact(2, 'bob@example.test')])],
    [['lists'], []],
  ];

  it('lets an editor select contacts for the list and unsubscribe gestures, Erase only with the export right, and a viewer select nothing', async () => {
    const user = userEvent.setup();
    let view = renderAs('editor', <ContactsPage />, contacts);
    expect(screen.queryByRole('toolbar', { name: 'Selected contacts' })).toBeNull();
    await user.click(screen.getByRole('checkbox', { name: 'Select bob@example.test' }));
    const toolbar = screen.getByRole('toolbar', { name: 'Selected contacts' });
    expect(within(toolbar).getByText('1 contact selected')).toBeTruthy();
    expect(within(toolbar).getAllByRole('button').map((b) => b.textContent)).toEqual(['Add to list', 'Remove from list', 'Unsubscribe']);
    await user.click(screen.getByRole('checkbox', { name: 'Select every contact on this page' }));
    expect(within(toolbar).getByText('2 contacts selected')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add contact' })).toBeTruthy();
    view.unmount();

    view = renderAs('admin', <ContactsPage />, contacts);
    await user.click(screen.getByRole('checkbox', { name: 'Select ada@example.test' }));
    expect(within(screen.getByRole('toolbar', { name: 'Selected contacts' })).getAllByRole('button').map((b) => b.textContent)).toContain('Erase');
    view.unmount();

    renderAs('viewer', <ContactsPage />, contacts);
    expect(screen.getByRole('link', { name: 'ada@example.test' })).toBeTruthy();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add contact' })).toBeNull();
  });
});
