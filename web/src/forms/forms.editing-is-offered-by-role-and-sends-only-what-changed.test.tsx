// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../test/render';
import type { Right, Role, Session } from '../types';
import { FormPage } from './FormPage';
import { FormsPage } from './FormsPage';
import { createBody, draftOf, patchBody, problems } from './model';
import type { Form } from './types';

const RIGHTS: Record<Role, Right[]> = {
  owner: ['read', 'edit', 'send', 'export', 'manage'],
  admin: ['read', 'edit', 'send', 'export', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

const form: Form = {
  id: 7,
  name: 'Newsletter sign-up',
  slug: 'newsletter',
  url: 'http://localhost/f/newsletter',
  embedHtml: '<div class="ricochet-form"><form method="post" action="http://localhost/f/newsletter"></form></div>',
  listIds: [1],
  fields: [{ name: 'firstName', label: 'First name', required: true, type: 'firstName' }],
  doubleOptIn: true,
  consentText: 'I agree to receive emails from Brand.',
  messages: { thankYou: 'Check your inbox.', confirmed: 'Confirmed.', confirmationSubject: 'Confirm {{ form.name }}', confirmationHtml: '<a href="{{ confirm_url }}">Confirm</a>' },
  stats: { views: 40, signups: 8, confirmations: 6, confirmationRate: 0.75 },
  createdAt: '2025-04-01T10:00:00.000Z',
  updatedAt: '2025-04-02T10:00:00.000Z',
};
const lists = [{ id: 1, name: 'Weekly', size: 5, pending: 2, publicName: 'Weekly news', onPreferences: true, createdAt: '2025-04-01T10:00:00.000Z' }];

/** Renders as a user of `role` with the answers already in the cache: nothing is fetched. */
function renderAs(role: Role, at: string) {
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
  client.setQueryData(['forms'], [form]);
  client.setQueryData(['form', 7], form);
  client.setQueryData(['fields'], [{ name: 'city', type: 'string' }]);
  client.setQueryData(['lists'], lists);
  client.setQueryData(['form-preview', 7, form.updatedAt], { html: '<h1>Newsletter sign-up</h1>' });
  return renderInApp(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[at]}>
          <Routes>
            <Route path="/forms" element={<FormsPage />} />
            <Route path="/forms/:id" element={<FormPage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const button = (name: string) => screen.queryByRole('button', { name });

describe('the Forms pages', () => {
  beforeEach(() => void vi.stubGlobal('fetch', () => new Promise(() => {})));

  it("lists the forms with their views, sign-ups, confirmations and rate, and offers Create form only to a role that edits", () => {
    let view = renderAs('editor', '/forms');
    const row = screen.getByRole('row', { name: /Newsletter sign-up/ });
    expect(row.textContent).toBe('Newsletter sign-upWeekly40867' + '5%');
    expect(screen.getByRole('link', { name: 'Create form' }).getAttribute('href')).toBe('/forms/new');
    view.unmount();
    view = renderAs('viewer', '/forms');
    expect(screen.getByRole('row', { name: /Newsletter sign-up/ })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Create form' })).toBeNull();
  });

  it('shows a viewer the form read-only, and an editor Save form and Delete; both get the link, the embed code and a sandboxed preview', () => {
    let view = renderAs('editor', '/forms/7');
    expect(button('Save form')).not.toBeNull();
    expect(button('Delete')).not.toBeNull();
    expect((screen.getByRole('textbox', { name: 'Form name' }) as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByLabelText('Ask for city') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText('First name is required') as HTMLInputElement).checked).toBe(true);
    view.unmount();

    view = renderAs('viewer', '/forms/7');
    expect(button('Save form')).toBeNull();
    expect(button('Delete')).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Form name' }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Ask for Phone') as HTMLInputElement).disabled).toBe(true);
    expect(button('Copy embed code')).not.toBeNull();
    expect(screen.getByLabelText('Hosted page link').textContent).toBe(form.url);
    const preview = screen.getByTitle('Form preview') as HTMLIFrameElement;
    expect(preview.getAttribute('sandbox')).toBe('');
    expect(preview.getAttribute('srcdoc')).toBe('<h1>Newsletter sign-up</h1>');
    expect(screen.getByRole('group', { name: 'Confirmation rate' }).textContent).toContain('75%');
  });
});

describe('what the editor sends', () => {
  it('creates with double opt-in on, the fields ticked, and the blank messages left to their defaults', () => {
    const draft = draftOf(undefined, [{ name: 'city', type: 'string' }], 'Brand');
    expect(draft.doubleOptIn).toBe(true);
    expect(draft.consentText).toContain('Brand');
    expect(problems(draft)).toEqual({ name: 'Name the form', listIds: 'Pick at least one list' });
    draft.name = ' Spring ';
    draft.listIds = [1];
    draft.fields = draft.fields.map((f) => (f.name === 'city' ? { ...f, asked: true, required: true, label: 'Your city' } : f));
    draft.messages = { ...draft.messages, thankYou: 'Thanks!' };
    expect(createBody(draft)).toEqual({
      name: 'Spring',
      listIds: [1],
      fields: [{ name: 'city', required: true, label: 'Your city' }],
      doubleOptIn: true,
      consentText: draft.consentText,
      messages: { thankYou: 'Thanks!' },
    });
  });

  it('changes only the messages edited (an emptied one goes back to its default) and refuses a confirmation email without its link', () => {
    const draft = draftOf(form, [], 'Brand');
    expect(draft.fields.map((f) => [f.name, f.asked])).toEqual([['firstName', true], ['lastName', false], ['phone', false]]);
    expect(patchBody(draft, form)).toEqual({ name: form.name, listIds: [1], fields: [{ name: 'firstName', required: true, label: null }], doubleOptIn: true, consentText: form.consentText });
    draft.messages = { ...draft.messages, confirmed: 'All set.', thankYou: '  ' };
    expect(patchBody(draft, form).messages).toEqual({ confirmed: 'All set.', thankYou: null });
    draft.messages.confirmationHtml = '<p>Welcome</p>';
    expect(problems(draft)).toEqual({ confirmationHtml: expect.stringContaining('{{ confirm_url }}') });
  });
});
