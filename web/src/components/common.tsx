import { Alert, Badge, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api';
import type { CampaignStatus } from '../types';

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    // On a phone the buttons go under the title rather than past the screen's edge.
    <Group justify="space-between" align="flex-start" mb="lg" gap="sm">
      <Stack gap={2}>
        <Title order={2}>{title}</Title>
        {subtitle && (
          <Text c="dimmed" size="sm">
            {subtitle}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title="Something went wrong">
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}

/** The error of a page about one object: one of another workspace is not found here, so say where to look. */
export function ObjectError({ error }: { error: unknown }) {
  if (!error) return null;
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <Alert color="red" role="alert" title={missing ? 'Not found in this workspace' : 'Something went wrong'}>
      {error instanceof Error ? error.message : String(error)}
      {missing && '. It may belong to another workspace: switch workspace in the header to open it.'}
    </Alert>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Group justify="center" p="xl">
      <Loader size="sm" aria-label={label} />
    </Group>
  );
}

const STATUS_COLORS: Record<CampaignStatus, string> = {
  draft: 'gray',
  scheduled: 'violet',
  sending: 'blue',
  paused: 'orange',
  sent: 'green',
  cancelled: 'red',
};

export function StatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light" styles={{ root: { flexShrink: 0 }, label: { overflow: 'visible' } }}>
      {status}
    </Badge>
  );
}
