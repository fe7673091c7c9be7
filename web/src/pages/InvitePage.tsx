import { Alert, Anchor, Button, Center, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, get } from '../api';
import { roleLabel } from '../components/roles';
import { formatDate } from '../format';
import { useStartSession } from '../session';
import type { InvitationPreview, Session } from '../types';

const MIN_PASSWORD = 10;

/**
 * Where an invitation link leads (public: the person may have no account yet). A new
 * account sets its password here; an existing one signs in with its own to join.
 */
export function InvitePage() {
  const token = useParams().token ?? '';
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => get<InvitationPreview>(`/api/invitations/${encodeURIComponent(token)}`),
    retry: false,
  });
  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={420}>
        {invitation.isLoading && (
          <Center>
            <Loader aria-label="Loading the invitation" />
          </Center>
        )}
        {invitation.error && <InvalidInvitation error={invitation.error} />}
        {invitation.data && <AcceptForm token={token} invitation={invitation.data} />}
      </Paper>
    </Center>
  );
}

function InvalidInvitation({ error }: { error: unknown }) {
  const gone = error instanceof ApiError && error.status === 404;
  return (
    <Stack>
      <Title order={1} size="h2">
        {gone ? 'This invitation is no longer valid' : 'The invitation could not be read'}
      </Title>
      <Text size="sm" c="dimmed">
        {gone ? 'It may have expired, been used already or been revoked. Ask the person who invited you for a new one.' : error instanceof Error ? error.message : String(error)}
      </Text>
      <Anchor component={Link} to="/login" size="sm">
        Sign in to Ricochet
      </Anchor>
    </Stack>
  );
}

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const navigate = useNavigate();
  const startSession = useStartSession();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string>();
  const newAccount = !invitation.accountExists;
  const accept = useMutation({
    mutationFn: () => api<Session>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`, { password }),
    onSuccess: (session) => {
      startSession(session);
      navigate('/campaigns', { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    if (newAccount && password.length < MIN_PASSWORD) return setProblem(`The password needs at least ${MIN_PASSWORD} characters.`);
    if (newAccount && password !== confirm) return setProblem('The two passwords differ.');
    accept.mutate();
  };
  const error = problem ?? (accept.error instanceof Error ? accept.error.message : undefined);
  return (
    <form onSubmit={submit} aria-labelledby="invite-title">
      <Stack>
        <Title id="invite-title" order={1} size="h2">
          Join {invitation.workspace.name}
        </Title>
        <Text size="sm">
          You are invited to the workspace <b>{invitation.workspace.name}</b> on Ricochet as <b>{roleLabel(invitation.role)}</b>. The invitation is valid until {formatDate(invitation.expiresAt)}.
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput label="Email" value={invitation.email} readOnly autoComplete="username" />
        {newAccount ? (
          <>
            <PasswordInput
              label="Password"
              description={`At least ${MIN_PASSWORD} characters`}
              autoComplete="new-password"
              required
              withAsterisk={false}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput label="Confirm password" autoComplete="new-password" required withAsterisk={false} value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} />
            <Button type="submit" loading={accept.isPending}>
              Create my account and join
            </Button>
          </>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              You already have an account: sign in with its password to join.
            </Text>
            <PasswordInput label="Password" autoComplete="current-password" required withAsterisk={false} value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-autofocus autoFocus />
            <Button type="submit" loading={accept.isPending}>
              Sign in to join
            </Button>
          </>
        )}
      </Stack>
    </form>
  );
}
