import { Alert, Group, Loader, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Liquid } from 'liquidjs';
import { memo, useMemo, useState } from 'react';
import { api, get, query } from '../api';
import type { Contact, Page } from '../types';
import type { Design } from './model';

/** Like the server's HTML engine: every output escaped, own properties only, no file access. */
const liquid = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, templates: {} });

const SAMPLE: MergeContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+33612345678', fields: {} as Record<string, unknown> };

const WIDTHS = { desktop: 600, phone: 375 } as const;

export type MergeContact = Pick<Contact, 'firstName' | 'lastName' | 'email' | 'phone' | 'fields'> & { id?: number };

/**
 * The compiled HTML merged with a contact's data, in the browser. The special links point
 * nowhere: nothing in a preview reaches a tracking or unsubscribe address.
 */
export function mergeForPreview(html: string, contact: MergeContact | undefined, campaignName = ''): { html: string; error?: string } {
  const person = contact ?? SAMPLE;
  try {
    const scope = {
      contact: { id: person.id, email: person.email, phone: person.phone, firstName: person.firstName, lastName: person.lastName, fields: person.fields ?? {} },
      campaign: { name: campaignName },
      unsubscribe_url: '#unsubscribe',
      view_online_url: '#view-online',
    };
    return { html: liquid.parseAndRenderSync(html, scope) as string };
  } catch (e) {
    return { html, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The email as it will be sent: compiled by the server (POST /api/designs/compile, debounced),
 * merged with a chosen contact, at a desktop or phone width, in an iframe with an empty
 * sandbox (no script, no navigation of the app, no cookies).
 */
export const Preview = memo(function Preview({ design }: { design: Design }) {
  const [device, setDevice] = useState<'desktop' | 'phone'>('desktop');
  const [search, setSearch] = useState('');
  const [contactId, setContactId] = useState<string | null>(null);
  const [debouncedDesign] = useDebouncedValue(design, 400);
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const compiled = useQuery({
    queryKey: ['/api/designs/compile', debouncedDesign],
    queryFn: () => api<{ html: string; footerAdded: boolean }>('POST', '/api/designs/compile', { design: debouncedDesign }),
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  const contacts = useQuery({
    queryKey: ['/api/contacts', { search: debouncedSearch, limit: 20 }],
    queryFn: () => get<Page<Contact>>(`/api/contacts${query({ search: debouncedSearch, limit: 20 })}`),
    placeholderData: keepPreviousData,
  });
  const [picked, setPicked] = useState<Contact | undefined>();
  const options = useMemo(() => {
    const items = contacts.data?.items ?? [];
    const all = picked && !items.some((c) => c.id === picked.id) ? [picked, ...items] : items;
    return all.map((c) => ({ value: String(c.id), label: contactLabel(c) }));
  }, [contacts.data, picked]);

  const merged = useMemo(() => (compiled.data ? mergeForPreview(compiled.data.html, picked) : undefined), [compiled.data, picked]);

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end" gap="sm">
        <SegmentedControl
          aria-label="Preview width"
          data={[
            { value: 'desktop', label: 'Desktop' },
            { value: 'phone', label: 'Phone' },
          ]}
          value={device}
          onChange={(value) => setDevice(value as 'desktop')}
        />
        <Select
          label="Merged with"
          placeholder="A sample contact (Ada Lovelace)"
          searchable
          clearable
          data={options}
          value={contactId}
          searchValue={search}
          onSearchChange={setSearch}
          onChange={(value) => {
            setContactId(value);
            setPicked(value ? (contacts.data?.items.find((c) => String(c.id) === value) ?? picked) : undefined);
          }}
          nothingFoundMessage={contacts.isFetching ? 'Searching…' : 'No contact found'}
          filter={({ options }) => options}
          w={280}
          maw="100%"
        />
      </Group>
      {compiled.data?.footerAdded && (
        <Text size="xs" c="dimmed">
          The footer with the unsubscribe link is added as it will be when the email is sent.
        </Text>
      )}
      {compiled.error && (
        <Alert color="orange" title="The preview is not available">
          {compiled.error instanceof Error ? compiled.error.message : String(compiled.error)}
        </Alert>
      )}
      {merged?.error && (
        <Alert color="orange" title="A merge tag does not parse">
          {merged.error}
        </Alert>
      )}
      <div className="designer-preview-stage">
        {merged ? (
          <iframe
            title={device === 'desktop' ? 'Desktop preview' : 'Phone preview'}
            sandbox=""
            srcDoc={merged.html}
            className="designer-preview-frame"
            style={{ width: WIDTHS[device] }}
            data-device={device}
          />
        ) : compiled.isFetching ? (
          <Loader size="sm" aria-label="Compiling the preview" />
        ) : null}
      </div>
    </Stack>
  );
});

function contactLabel(c: Contact): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const address = c.email ?? c.phone ?? `#${c.id}`;
  return name ? `${name} (${address})` : address;
}
