import { ActionIcon, Anchor, Button, Group, Modal, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, get } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert, PageHeader } from '../components/common';
import { formatDate, formatNumber } from '../format';
import { useCan } from '../session';
import type { List } from '../types';

export function ListsPage() {
  const client = useQueryClient();
  const mayEdit = useCan()('edit');
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const [editing, setEditing] = useState<{ id?: number; name: string }>();
  const save = useMutation({
    mutationFn: (list: { id?: number; name: string }) => (list.id ? api('PATCH', `/api/lists/${list.id}`, { name: list.name }) : api('POST', '/api/lists', { name: list.name })),
    onSuccess: () => {
      setEditing(undefined);
      client.invalidateQueries({ queryKey: ['lists'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/lists/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['lists'] }),
  });

  const columns: ColumnDef<List>[] = [
    {
      header: 'List',
      cell: ({ row }) => (
        <Anchor component={Link} to={`/contacts?listId=${row.original.id}`}>
          {row.original.name}
        </Anchor>
      ),
    },
    { header: 'Contacts', cell: ({ row }) => <span className="tabular">{formatNumber(row.original.size)}</span> },
    { header: 'Created', cell: ({ row }) => formatDate(row.original.createdAt) },
  ];
  // Rename and Delete only for a role that edits lists.
  const actions: ColumnDef<List> = {
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) => (
      <Group gap={4} justify="flex-end">
        <Button size="xs" variant="subtle" onClick={() => setEditing({ id: row.original.id, name: row.original.name })}>
          Rename
        </Button>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={`Delete ${row.original.name}`}
          onClick={() => window.confirm(`Delete the list "${row.original.name}"? Its contacts are kept.`) && remove.mutate(row.original.id)}
        >
          ×
        </ActionIcon>
      </Group>
    ),
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editing) save.mutate(editing);
  };

  return (
    <>
      <PageHeader title="Lists" actions={mayEdit && <Button onClick={() => setEditing({ name: '' })}>New list</Button>} />
      <ErrorAlert error={lists.error ?? remove.error} />
      <DataTable caption="Lists" data={lists.data ?? []} columns={mayEdit ? [...columns, actions] : columns} empty="No list yet: create one or import contacts." />
      <Modal opened={!!editing} onClose={() => setEditing(undefined)} title={editing?.id ? 'Rename list' : 'New list'}>
        <form onSubmit={submit}>
          <ErrorAlert error={save.error} />
          <TextInput label="Name" required value={editing?.name ?? ''} onChange={(e) => setEditing({ ...editing, name: e.currentTarget.value })} data-autofocus />
          <Group justify="flex-end" mt="md">
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </form>
      </Modal>
    </>
  );
}
