import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Link } from 'react-router';
import { get, query } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert } from '../components/common';
import { formatDate } from '../format';
import type { AuditEntry } from '../types';
import { actionWords, actorKind, campaignOf, detailParts } from './activity';

interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

const columns: ColumnDef<AuditEntry>[] = [
  { header: 'When', cell: ({ row }) => <span style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.at)}</span> },
  {
    header: 'Who',
    cell: ({ row }) => (
      <Stack gap={0}>
        <Text size="sm">{row.original.actor.name}</Text>
        <Text size="xs" c="dimmed">
          {actorKind(row.original.actor.type)}
        </Text>
      </Stack>
    ),
  },
  {
    header: 'What',
    cell: ({ row }) => {
      const entry = row.original;
      const campaignId = campaignOf(entry);
      return (
        <Group gap={4}>
          {actionWords(entry.action)}
          {campaignId !== undefined && (
            <Anchor component={Link} to={`/campaigns/${campaignId}`} size="sm">
              #{campaignId}
            </Anchor>
          )}
        </Group>
      );
    },
  },
  {
    header: 'Details',
    cell: ({ row }) => (
      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
        {detailParts(row.original).join(' · ')}
      </Text>
    ),
  },
];

/** Who did what in this workspace, newest first, a page at a time. */
export function ActivityTab() {
  const audit = useInfiniteQuery({
    queryKey: ['audit'],
    queryFn: ({ pageParam }) => get<AuditPage>('/api/audit' + query({ cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <ErrorAlert error={audit.error} />
      <DataTable caption="Activity" data={items} columns={columns} empty={audit.isLoading ? 'Loading…' : 'Nothing recorded yet.'} />
      {audit.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
