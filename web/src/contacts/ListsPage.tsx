import { ActionIcon, Anchor, Button, Group, Modal, Switch, Text, TextInput, Tooltip } from '@mantine/core';
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

interface Names {
  id?: number;
  name: string;
  publicName: string;
}

export function ListsPage() {
  const client = useQueryClient();
  const mayEdit = useCan()('edit');
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const [editing, setEditing] = useState<Names>();
  const refresh = () => client.invalidateQueries({ queryKey: ['lists'] });
  const save = useMutation({
    mutationFn: ({ id, name, publicName }: Names) => {
      // An empty public name means "the list's name" (null), not a blank label.
      const body = { name, publicName: publicName.trim() || null };
      return id ? api('PATCH', `/api/lists/${id}`, body) : api('POST', '/api/lists', body);
    },
    onSuccess: () => {
      setEditing(undefined);
      void refresh();
    },
  });
  const showOnPreferences = useMutation({
    mutationFn: ({ list, shown }: { list: List; shown: boolean }) => api('PATCH', `/api/lists/${list.id}`, { name: list.name, onPreferences: shown }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/lists/${id}`),
    onSuccess: refresh,
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
    { header: 'Public name', cell: ({ row }) => row.original.publicName || <Text c="dimmed" size="sm" title="The list's name">—</Text> },
    { header: 'Contacts', cell: ({ row }) => <span className="tabular">{formatNumber(row.original.size)}</span> },
    {
      header: () => (
        <Tooltip label="Signed up through a form and not confirmed yet: no campaign reaches them" multiline w={240}>
          <span>Pending</span>
        </Tooltip>
      ),
      id: 'pending',
      cell: ({ row }) => <span className="tabular">{formatNumber(row.original.pending ?? 0)}</span>,
    },
    {
      header: 'Preference page',
      id: 'preferences',
      cell: ({ row }) => {
        const list = row.original;
        const label = `Show ${list.name} on the preference page`;
        if (!mayEdit) return list.onPreferences ? 'shown' : <Text c="dimmed" size="sm">hidden</Text>;
        const busy = showOnPreferences.isPending && showOnPreferences.variables?.list.id === list.id;
        return (
          <Switch
            aria-label={label}
            checked={busy ? showOnPreferences.variables!.shown : !!list.onPreferences}
            disabled={busy}
            onChange={(e) => showOnPreferences.mutate({ list, shown: e.currentTarget.checked })}
          />
        );
      },
    },
    { header: 'Created', cell: ({ row }) => formatDate(row.original.createdAt) },
  ];
  // Rename and Delete only for a role that edits lists.
  const actions: ColumnDef<List> = {
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) => (
      <Group gap={4} justify="flex-end" wrap="nowrap">
        <Button size="xs" variant="subtle" onClick={() => setEditing({ id: row.original.id, name: row.original.name, publicName: row.original.publicName ?? '' })}>
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
      <PageHeader title="Lists" actions={mayEdit && <Button onClick={() => setEditing({ name: '', publicName: '' })}>New list</Button>} />
      <ErrorAlert error={lists.error ?? remove.error ?? showOnPreferences.error} />
      <DataTable caption="Lists" data={lists.data ?? []} columns={mayEdit ? [...columns, actions] : columns} empty="No list yet: create one or import contacts." />
      <Modal opened={!!editing} onClose={() => setEditing(undefined)} title={editing?.id ? 'Rename list' : 'New list'}>
        <form onSubmit={submit}>
          <ErrorAlert error={save.error} />
          <TextInput label="Name" required value={editing?.name ?? ''} onChange={(e) => setEditing({ ...editing!, name: e.currentTarget.value })} data-autofocus />
          <TextInput
            label="Shown to subscribers as"
            description="The public name, on the preference page; the list's own name when empty"
            mt="sm"
            value={editing?.publicName ?? ''}
            onChange={(e) => setEditing({ ...editing!, publicName: e.currentTarget.value })}
          />
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
