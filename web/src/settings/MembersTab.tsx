import { Alert, Badge, Button, Card, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, get } from '../api';
import { CopyValue } from '../components/CopyValue';
import { DataTable } from '../components/DataTable';
import { ErrorAlert } from '../components/common';
import { ROLE_DESCRIPTIONS, assignableRoles, roleLabel } from '../components/roles';
import { formatDate } from '../format';
import { useRefreshSession, useSession } from '../session';
import type { Invitation, InvitationCreated, Member, Role } from '../types';

const roleOptions = (roles: Role[]) => roles.map((role) => ({ value: role, label: roleLabel(role) }));

/** Who is in the workspace with which role, the invitations still open, and the form to invite someone. */
export function MembersTab() {
  const client = useQueryClient();
  const session = useSession();
  const refreshSession = useRefreshSession();
  const myRole = session?.workspace?.role;
  const members = useQuery({ queryKey: ['members'], queryFn: () => get<Member[]>('/api/members') });
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: () => get<Invitation[]>('/api/invitations') });
  const changed = () => {
    void client.invalidateQueries({ queryKey: ['members'] });
    void client.invalidateQueries({ queryKey: ['invitations'] });
  };
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: Role }) => api('PATCH', `/api/members/${userId}`, { role }),
    onSuccess: (_, { userId }) => {
      changed();
      // A user who changed their own role sees the rights it leaves them.
      if (userId === session?.user.id) void refreshSession();
    },
  });
  const remove = useMutation({
    mutationFn: (userId: number) => api('DELETE', `/api/members/${userId}`),
    onSuccess: (_, userId) => {
      changed();
      if (userId === session?.user.id) void refreshSession();
    },
  });
  const revoke = useMutation({ mutationFn: (id: number) => api('DELETE', `/api/invitations/${id}`), onSuccess: changed });

  // An admin manages everyone but owners (SPEC §9): an owner's row is read-only for them.
  const mayHandle = (role: Role) => myRole === 'owner' || role !== 'owner';
  const memberColumns: ColumnDef<Member>[] = [
    {
      header: 'Member',
      cell: ({ row }) => (
        <Group gap={6}>
          {row.original.email}
          {row.original.userId === session?.user.id && (
            <Badge size="xs" variant="outline">
              you
            </Badge>
          )}
        </Group>
      ),
    },
    {
      header: 'Role',
      cell: ({ row }) =>
        mayHandle(row.original.role) ? (
          <NativeSelect
            aria-label={`Role of ${row.original.email}`}
            size="xs"
            w={120}
            data={roleOptions(assignableRoles(myRole))}
            value={row.original.role}
            onChange={(e) => setRole.mutate({ userId: row.original.userId, role: e.currentTarget.value as Role })}
          />
        ) : (
          roleLabel(row.original.role)
        ),
    },
    { header: 'Joined', cell: ({ row }) => formatDate(row.original.joinedAt) },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        mayHandle(row.original.role) && (
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={`Remove ${row.original.email}`}
              onClick={() => window.confirm(`Remove ${row.original.email} from this workspace? They keep their account.`) && remove.mutate(row.original.userId)}
            >
              Remove
            </Button>
          </Group>
        ),
    },
  ];
  const invitationColumns: ColumnDef<Invitation>[] = [
    { header: 'Email', cell: ({ row }) => row.original.email },
    { header: 'Role', cell: ({ row }) => roleLabel(row.original.role) },
    { header: 'Invited by', cell: ({ row }) => row.original.invitedBy ?? '—' },
    { header: 'Expires', cell: ({ row }) => formatDate(row.original.expiresAt) },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        mayHandle(row.original.role) && (
          <Group justify="flex-end">
            <Button size="xs" variant="subtle" color="red" aria-label={`Revoke the invitation of ${row.original.email}`} onClick={() => revoke.mutate(row.original.id)}>
              Revoke
            </Button>
          </Group>
        ),
    },
  ];

  return (
    <Stack>
      <InviteForm myRole={myRole} onInvited={changed} />
      <ErrorAlert error={members.error ?? setRole.error ?? remove.error} />
      <DataTable caption="Members" data={members.data ?? []} columns={memberColumns} empty={members.isLoading ? 'Loading…' : 'No member.'} />
      <Title order={3} size="h4" mt="md">
        Pending invitations
      </Title>
      <ErrorAlert error={invitations.error ?? revoke.error} />
      <DataTable caption="Pending invitations" data={invitations.data ?? []} columns={invitationColumns} empty={invitations.isLoading ? 'Loading…' : 'No invitation waiting.'} />
    </Stack>
  );
}

function InviteForm({ myRole, onInvited }: { myRole: Role | undefined; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const invite = useMutation({
    mutationFn: () => api<InvitationCreated>('POST', '/api/members', { email, role }),
    onSuccess: () => {
      setEmail('');
      onInvited();
    },
  });
  return (
    <Card withBorder>
      <form
        aria-label="Invite a member"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>Invite a member</Text>
          <Group align="flex-end">
            <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} w={300} />
            <NativeSelect label="Role" data={roleOptions(assignableRoles(myRole))} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} w={140} />
            <Button type="submit" loading={invite.isPending}>
              Send invitation
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {roleLabel(role)}: {ROLE_DESCRIPTIONS[role]}. The link is valid for 7 days.
          </Text>
          <ErrorAlert error={invite.error} />
          {invite.data && (
            <Alert
              color={invite.data.emailSent ? 'green' : 'yellow'}
              role="status"
              title={invite.data.emailSent ? `Invitation sent to ${invite.data.invitation.email}` : `Invitation to ${invite.data.invitation.email} created, but its email could not be sent`}
            >
              <Stack gap={6}>
                <Text size="sm">
                  They join as {roleLabel(invite.data.invitation.role)}. {invite.data.emailSent ? 'You can also pass the link on yourself:' : 'Pass the link on yourself:'}
                </Text>
                <CopyValue value={invite.data.inviteUrl} label="Invitation link" />
              </Stack>
            </Alert>
          )}
        </Stack>
      </form>
    </Card>
  );
}
