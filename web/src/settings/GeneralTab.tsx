import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert } from '../components/common';
import { useRefreshSession, useSession } from '../session';

/** The workspace's name (what the switcher and invitations show). */
export function GeneralTab() {
  const workspace = useSession()?.workspace;
  const refresh = useRefreshSession();
  const [name, setName] = useState(workspace?.name ?? '');
  const rename = useMutation({
    mutationFn: () => api('PATCH', '/api/workspace', { name }),
    onSuccess: () => refresh(),
  });
  return (
    <Card withBorder maw={560}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={rename.error} />
          <TextInput label="Workspace name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Group>
            <Button type="submit" loading={rename.isPending} disabled={!name.trim() || name === workspace?.name}>
              Rename
            </Button>
            {rename.isSuccess && name === workspace?.name && (
              <Text size="sm" c="green" role="status">
                Saved
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
