import { Anchor, Badge, Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert, PageHeader } from '../components/common';
import { Pager } from '../components/Pager';
import { usePagedQuery } from '../components/usePagedQuery';
import { formatDate, fullName } from '../format';
import { useCan } from '../session';
import type { Contact, List } from '../types';

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

export function ContactsPage() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const [debounced] = useDebouncedValue(search, 250);
  const listId = params.get('listId') ?? undefined;
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const contacts = usePagedQuery<Contact>('/api/contacts', { search: debounced, listId });
  const can = useCan();

  return (
    <>
      <PageHeader
        title="Contacts"
        subtitle="Everyone you can write to."
        actions={
          can('edit') && (
            <Button component={Link} to="/imports/new">
              Import contacts
            </Button>
          )
        }
      />
      <Group mb="md">
        <TextInput label="Search" placeholder="Email, phone or name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} />
        <Select
          label="List"
          placeholder="All contacts"
          clearable
          data={(lists.data ?? []).map((l) => ({ value: String(l.id), label: `${l.name} (${l.size})` }))}
          value={listId ?? null}
          onChange={(value) => setParams(value ? { listId: value } : {})}
          w={260}
        />
      </Group>
      <ErrorAlert error={contacts.error} />
      <DataTable caption="Contacts" data={contacts.data?.items ?? []} columns={columns} empty={contacts.isLoading ? 'Loading…' : 'No contacts match.'} />
      <Pager page={contacts.page} total={contacts.data?.total} previous={contacts.previous} next={contacts.next} />
    </>
  );
}
