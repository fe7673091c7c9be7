// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { ContactPage } from '../contacts/ContactPage';
import { ListsPage } from '../contacts/ListsPage';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionsMenu } from '../stats/ActionsMenu';
import { renderInApp } from '../test/render';
import type { Campaign, Right, Role, Session } from '../types';
import { CampaignEditor } from './CampaignEditor';
import { SendPanel } from './SendPanel';
import { SendingProgress } from './SendingProgress';

// SPEC §9's table, as the server hands it over in the session.
const RIGHTS: Record<Role, Right[]> = {
  owner: ['read', 'edit', 'send', 'export', 'manage'],
  admin: ['read', 'edit', 'send', 'export', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

const campaign = (status: Campaign['status']) =>
  ({
    id: 5,
    name: 'Spring sale',
    channel: 'email',
    status,
    subject: 'Spring is here',
    fromEmail: 'news@shop.test',
    fromName: null,
    html: '<p>Hi</p>',
    body: null,
    senderId: null,
    listIds: [],
    parentCampaignId: null,
    audienceLabel: null,
    sentAt: status === 'draft' ? null : '2025-04-01T10:00:00.000Z',
    scheduledAt: null,
    statusReason: null,
  }) as unknown as Campaign;

/** Renders as a user of `role`: the session is in the cache as the app keeps it, and nothing is fetched. */
function renderAs(role: Role, ui: React.ReactElement, cache: Record<string, unknown> = {}, at = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, enabled: false } } });
  const session: Session = {
    user: { id: 1, email: `${role}@example.test` },
    csrfToken: 'token',
    publicUrl: 'http://localhost',
    smsStopText: 'STOP',
    workspace: { id: 1, name: 'Brand', role, rights: RIGHTS[role] },
    workspaces: [{ id: 1, name: 'Brand', role }],
  };
  client.setQueryData(['session'], session);
  for (const [key, data] of Object.entries(cache)) client.setQueryData(JSON.parse(key), data);
  // env "test": menus and dialogs open without transitions.
  return renderInApp(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[at]}>{ui}</MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const button = (name: string) => screen.queryByRole('button', { name });

describe('buttons a role may not use are not offered', () => {
  // What the panels poll (progress) stays pending: these tests look at what is offered, not at data.
  beforeEach(() => void vi.stubGlobal('fetch', () => new Promise(() => {})));
  it('offers Send now and Schedule to an owner and an admin, not to an editor, who keeps the test send', () => {
    for (const role of ['owner', 'admin'] as const) {
      const { unmount } = renderAs(role, <SendPanel campaign={campaign('draft')} />);
      expect(button('Send now')).not.toBeNull();
      expect(button('Schedule')).not.toBeNull();
      unmount();
    }
    renderAs('editor', <SendPanel campaign={campaign('draft')} />);
    expect(button('Send now')).toBeNull();
    expect(button('Schedule')).toBeNull();
    expect(screen.queryByLabelText('Or schedule for')).toBeNull();
    expect(button('Send test')).not.toBeNull();
    expect(screen.getByText(/The editor role prepares campaigns/)).toBeTruthy();
  });

  it('offers Pause and Cancel sending only with the send right', () => {
    const { unmount } = renderAs('admin', <SendingProgress campaign={campaign('sending')} />);
    expect(button('Pause')).not.toBeNull();
    expect(button('Cancel sending')).not.toBeNull();
    unmount();
    renderAs('editor', <SendingProgress campaign={campaign('sending')} />);
    expect(button('Pause')).toBeNull();
    expect(button('Cancel sending')).toBeNull();
  });

  it('lets an editor save a draft, and shows a viewer the draft read-only', () => {
    const { unmount } = renderAs('editor', <CampaignEditor campaign={campaign('draft')} channel="email" />);
    expect(button('Save draft')).not.toBeNull();
    expect((screen.getByLabelText(/Campaign name/) as HTMLInputElement).readOnly).toBe(false);
    unmount();
    renderAs('viewer', <CampaignEditor campaign={campaign('draft')} channel="email" />);
    expect(button('Save draft')).toBeNull();
    expect((screen.getByLabelText(/Campaign name/) as HTMLInputElement).readOnly).toBe(true);
  });

  it('gives an editor Create a list and a draft-only Relaunch, but no Export CSV; a viewer no Actions at all', async () => {
    const user = userEvent.setup();
    const { unmount } = renderAs('editor', <ActionsMenu campaign={campaign('sent')} audience={{ segment: 'openers' }} count={2} />);
    await user.click(screen.getByRole('button', { name: /^Actions/ }));
    const items = (await screen.findAllByRole('menuitem')).map((item) => item.textContent);
    expect(items).toEqual(['Create a list', 'Relaunch']);
    await user.click(screen.getByRole('menuitem', { name: 'Relaunch' }));
    await screen.findByRole('dialog', { name: 'Relaunch this campaign' });
    expect(screen.queryByLabelText(/Schedule for/)).toBeNull();
    expect(button('Create the relaunch')).not.toBeNull();
    unmount();

    const admin = renderAs('admin', <ActionsMenu campaign={campaign('sent')} audience={{ segment: 'openers' }} count={2} />);
    await user.click(screen.getByRole('button', { name: /^Actions/ }));
    expect((await screen.findAllByRole('menuitem')).map((item) => item.textContent)).toEqual(['Create a list', 'Export CSV', 'Relaunch']);
    await user.click(screen.getByRole('menuitem', { name: 'Relaunch' }));
    await screen.findByLabelText(/Schedule for/);
    admin.unmount();

    renderAs('viewer', <ActionsMenu campaign={campaign('sent')} audience={{}} count={2} />);
    expect(screen.queryByRole('button', { name: /^Actions/ })).toBeNull();
  });

  it('offers Erase on a contact only with the export right, and its statuses only with the edit right', () => {
    const contact = { id: 3, email: 'ada@example.test', phone: null, firstName: 'Ada', lastName: null, emailStatus: 'subscribed', smsStatus: 'subscribed', trackingConsent: true, fields: {}, createdAt: '2025-04-01T10:00:00.000Z' };
    const page = <Routes><Route path="/contacts/:id" element={<ContactPage />} /></Routes>;
    const asRole = (role: Role) => renderAs(role, page, { '["contact",3]': contact }, '/contacts/3');
    let view = asRole('admin');
    expect(button('Erase')).not.toBeNull();
    expect((screen.getByRole('textbox', { name: 'Email status' }) as HTMLInputElement).disabled).toBe(false);
    view.unmount();
    view = asRole('editor');
    expect(button('Erase')).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Email status' }) as HTMLInputElement).disabled).toBe(false);
    view.unmount();
    asRole('viewer');
    expect(button('Erase')).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Email status' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('offers New list, Rename and Delete to an editor, not to a viewer', () => {
    const lists = [{ id: 1, name: 'VIP', size: 2, createdAt: '2025-04-01T10:00:00.000Z' }];
    const view = renderAs('editor', <ListsPage />, { '["lists"]': lists });
    expect(button('New list')).not.toBeNull();
    expect(button('Rename')).not.toBeNull();
    expect(button('Delete VIP')).not.toBeNull();
    view.unmount();
    renderAs('viewer', <ListsPage />, { '["lists"]': lists });
    expect(screen.getByRole('cell', { name: 'VIP' })).toBeTruthy();
    expect(button('New list')).toBeNull();
    expect(button('Rename')).toBeNull();
    expect(button('Delete VIP')).toBeNull();
  });
});
