import { Alert, Anchor, Badge, Button, Checkbox, Group, Modal, Paper, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, get } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert, PageHeader } from '../components/common';
import { Pager } from '../components/Pager';
import { usePagedQuery } from '../components/usePagedQuery';
import { countOf, formatDate, fullName } from '../format';
import { useCan } from '../session';
import type { BulkResult, Contact, List } from '../types';
import { ContactForm } from './ContactForm';

const columns: ColumnDef<Contact>[] = [
  {
    header: 'Contact',
    cell: ({ row }) => (
      <Anchor component={Link} to={`/contacts/${row.original.id}`}>
        {row.original.email ?? row.original.phone ?? `#${row.original.id}`}
      </Anchor>
    ),
  },
  { header: 'Name', cell: ({ row }) => fullName(row.original) || '—' },
  { header: 'Phone', cell: ({ row }) => row.original.phone ?? '—' },
  {
    header: 'Email status',
    cell: ({ row }) => (
      <Badge variant="light" color={row.original.emailStatus === 'subscribed' ? 'green' : 'gray'}>
        {row.original.emailStatus}
      </Badge>
    ),
  },
  { header: 'Added', cell: ({ row }) => formatDate(row.original.createdAt) },
];

type BulkAction = 'addToList' | 'removeFromList' | 'unsubscribe' | 'erase';

const label = (contact: Contact) => contact.email ?? contact.phone ?? `contact #${contact.id}`;

/** What each gesture does, said before it is done. */
const BULK: Record<BulkAction, { title: string; button: string; done: (n: number) => string }> = {
  addToList: { title: 'Add to a list', button: 'Add to list', done: (n) => `${countOf(n, 'contact')} added to the list.` },
  removeFromList: { title: 'Remove from a list', button: 'Remove from list', done: (n) => `${countOf(n, 'contact')} removed from the list.` },
  unsubscribe: { title: 'Unsubscribe', button: 'Unsubscribe', done: (n) => `${countOf(n, 'contact')} unsubscribed.` },
  erase: { title: 'Erase contacts', button: 'Erase', done: (n) => `${countOf(n, 'contact')} erased.` },
};

export function ContactsPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const [debounced] = useDebouncedValue(search, 250);
  const listId = params.get('listId') ?? undefined;
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const contacts = usePagedQuery<Contact>('/api/contacts', { search: debounced, listId });
  const can = useCan();
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [bulk, setBulk] = useState<BulkAction>();
  const [bulkList, setBulkList] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>();

  const visible = contacts.data?.items ?? [];
  // Only what is on screen can be acted on: a selection never hides rows of another page or filter.
  const chosen = visible.filter((c) => selected.has(c.id));
  const toggle = (id: number, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allOn = visible.length > 0 && chosen.length === visible.length;

  const run = useMutation({
    mutationFn: async (action: BulkAction) => {
      const ids = chosen.map((c) => c.id);
      if (action === 'erase') return (await api<{ erased: number }>('POST', '/api/contacts/bulk/erase', { ids })).erased;
      const body = action === 'unsubscribe' ? { ids, action } : { ids, action, listId: Number(bulkList) };
      return (await api<BulkResult>('POST', '/api/contacts/bulk', body)).changed;
    },
    onSuccess: (count, action) => {
      setNotice(BULK[action].done(count));
      setBulk(undefined);
      setSelected(new Set());
      void client.invalidateQueries({ queryKey: ['/api/contacts'] });
      void client.invalidateQueries({ queryKey: ['lists'] });
    },
  });
  const open = (action: BulkAction) => {
    run.reset();
    setNotice(undefined);
    setBulkList(action === 'removeFromList' ? (listId ?? null) : null);
    setBulk(action);
  };

  const selection: ColumnDef<Contact> = {
    id: 'select',
    header: () => (
      <Checkbox
        aria-label="Select every contact on this page"
        checked={allOn}
        indeterminate={chosen.length > 0 && !allOn}
        onChange={(e) => setSelected(e.currentTarget.checked ? new Set(visible.map((c) => c.id)) : new Set())}
      />
    ),
    cell: ({ row }) => <Checkbox aria-label={`Select ${label(row.original)}`} checked={selected.has(row.original.id)} onChange={(e) => toggle(row.original.id, e.currentTarget.checked)} />,
  };

  const listOptions = (lists.data ?? []).map((l) => ({ value: String(l.id), label: `${l.name} (${l.size})` }));
  return (
    <>
      <PageHeader
        title="Contacts"
        subtitle="Everyone you can write to."
        actions={
          can('edit') && (
            <>
              <Button onClick={() => setAdding(true)}>Add contact</Button>
              <Button component={Link} to="/imports/new" variant="light">
                Import contacts
              </Button>
            </>
          )
        }
      />
      <Group mb="md">
        <TextInput label="Search" placeholder="Email, phone or name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} />
        <Select label="List" placeholder="All contacts" clearable data={listOptions} value={listId ?? null} onChange={(value) => setParams(value ? { listId: value } : {})} w={260} />
      </Group>
      <ErrorAlert error={contacts.error} />
      {notice && (
        <Alert color="green" mb="sm" role="status" withCloseButton onClose={() => setNotice(undefined)} closeButtonLabel="Dismiss">
          {notice}
        </Alert>
      )}
      {can('edit') && chosen.length > 0 && (
        <Paper withBorder p="xs" mb="sm" role="toolbar" aria-label="Selected contacts">
          <Group gap="xs">
            <Text size="sm" fw={600} mr="sm">
              {countOf(chosen.length, 'contact')} selected
            </Text>
            <Button size="xs" variant="light" onClick={() => open('addToList')}>
              Add to list
            </Button>
            <Button size="xs" variant="light" onClick={() => open('removeFromList')}>
              Remove from list
            </Button>
            <Button size="xs" variant="light" onClick={() => open('unsubscribe')}>
              Unsubscribe
            </Button>
            {/* Erasing is the export right's (SPEC §9). */}
            {can('export') && (
              <Button size="xs" variant="light" color="red" onClick={() => open('erase')}>
                Erase
              </Button>
            )}
          </Group>
        </Paper>
      )}
      <DataTable caption="Contacts" data={visible} columns={can('edit') ? [selection, ...columns] : columns} empty={contacts.isLoading ? 'Loading…' : 'No contacts match.'} />
      <Pager page={contacts.page} total={contacts.data?.total} previous={contacts.previous} next={contacts.next} />

      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={!!bulk} onClose={() => setBulk(undefined)} title={bulk ? BULK[bulk].title : ''}>
        {bulk && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              run.mutate(bulk);
            }}
          >
            <ErrorAlert error={run.error} />
            {(bulk === 'addToList' || bulk === 'removeFromList') && (
              <Select label="List" placeholder="Pick a list" data={listOptions} value={bulkList} onChange={setBulkList} required data-autofocus />
            )}
            <Text size="sm" mt="sm">
              {bulk === 'addToList' && `${countOf(chosen.length, 'contact')} will be added to this list; those already in it stay as they are.`}
              {bulk === 'removeFromList' && `${countOf(chosen.length, 'contact')} will leave this list; the contacts themselves are kept.`}
              {bulk === 'unsubscribe' && `${countOf(chosen.length, 'contact')} will be unsubscribed from email and SMS: no campaign reaches them until they are subscribed again. A bounced or complaining address keeps its status.`}
              {bulk === 'erase' &&
                `${countOf(chosen.length, 'contact')} will be erased: their names, addresses, custom fields, lists, consents and the copies of what they were sent are removed everywhere, for good. Campaign figures keep an anonymous count.`}
            </Text>
            <Group justify="flex-end" mt="md">
              <Button variant="default" onClick={() => setBulk(undefined)}>
                Cancel
              </Button>
              <Button type="submit" color={bulk === 'erase' ? 'red' : undefined} loading={run.isPending} disabled={(bulk === 'addToList' || bulk === 'removeFromList') && !bulkList}>
                {BULK[bulk].button}
              </Button>
            </Group>
          </form>
        )}
      </Modal>
      <ContactForm
        opened={adding}
        onClose={() => setAdding(false)}
        onSaved={(contact) => {
          setAdding(false);
          void client.invalidateQueries({ queryKey: ['/api/contacts'] });
          void client.invalidateQueries({ queryKey: ['lists'] });
          navigate(`/contacts/${contact.id}`);
        }}
      />
    </>
  );
}
