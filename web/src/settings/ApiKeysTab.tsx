import { Alert, Badge, Button, Card, Code, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, get } from '../api';
import { CopyValue } from '../components/CopyValue';
import { DataTable } from '../components/DataTable';
import { ErrorAlert } from '../components/common';
import { ROLE_DESCRIPTIONS, assignableRoles, roleLabel } from '../components/roles';
import { formatDate } from '../format';
import { useSession } from '../session';
import type { ApiKey, CreatedApiKey, Role } from '../types';

/** The workspace's API keys for scripts and integrations: each with a role, shown once when created, revocable. */
export function ApiKeysTab() {
  const client = useQueryClient();
  const myRole = useSession()?.workspace?.role;
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => get<ApiKey[]>('/api/api-keys') });
  const revoke = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/api-keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const columns: ColumnDef<ApiKey>[] = [
    { header: 'Name', cell: ({ row }) => row.original.name },
    { header: 'Role', cell: ({ row }) => roleLabel(row.original.role) },
    { header: 'Key', cell: ({ row }) => <Code>{row.original.prefix}…</Code> },
    { header: 'Created', cell: ({ row }) => formatDate(row.original.createdAt) },
    { header: 'Last used', cell: ({ row }) => formatDate(row.original.lastUsedAt) },
    {
      header: 'Status',
      cell: ({ row }) =>
        row.original.revokedAt ? (
          <Badge color="gray" variant="light">
            revoked {formatDate(row.original.revokedAt)}
          </Badge>
        ) : (
          <Badge color="green" variant="light">
            active
          </Badge>
        ),
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        !row.original.revokedAt &&
        (myRole === 'owner' || row.original.role !== 'owner') && (
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={`Revoke ${row.original.name}`}
              onClick={() => window.confirm(`Revoke the key "${row.original.name}"? Scripts using it stop working at once.`) && revoke.mutate(row.original.id)}
            >
              Revoke
            </Button>
          </Group>
        ),
    },
  ];
  return (
    <Stack>
      <NewKeyForm myRole={myRole} onCreated={() => client.invalidateQueries({ queryKey: ['api-keys'] })} />
      <ErrorAlert error={keys.error ?? revoke.error} />
      <DataTable caption="API keys" data={keys.data ?? []} columns={columns} empty={keys.isLoading ? 'Loading…' : 'No API key yet.'} />
    </Stack>
  );
}

function NewKeyForm({ myRole, onCreated }: { myRole: Role | undefined; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const create = useMutation({
    mutationFn: () => api<CreatedApiKey>('POST', '/api/api-keys', { name, role }),
    onSuccess: () => {
      setName('');
      onCreated();
    },
  });
  return (
    <Card withBorder>
      <form
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>Create an API key</Text>
          <Group align="flex-end">
            <TextInput label="Key name" placeholder="CRM sync" required value={name} onChange={(e) => setName(e.currentTarget.value)} w={300} />
            <NativeSelect
              label="Key role"
              data={assignableRoles(myRole).map((r) => ({ value: r, label: roleLabel(r) }))}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
              w={140}
            />
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {roleLabel(role)}: {ROLE_DESCRIPTIONS[role]}.
          </Text>
          <ErrorAlert error={create.error} />
          {create.data && (
            <Alert color="yellow" role="status" title={`Key "${create.data.name}" created`} withCloseButton onClose={() => create.reset()} closeButtonLabel="Done">
              <Stack gap={6}>
                <Text size="sm">
                  Copy it now: it is not shown again. Scripts send it in the header <Code>Authorization: Bearer …</Code>.
                </Text>
                <CopyValue value={create.data.key} label="API key" />
              </Stack>
            </Alert>
          )}
        </Stack>
      </form>
    </Card>
  );
}
