import { Anchor, Badge, Button, Group, Menu, Modal, Select, Switch, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert, PageHeader, StatusBadge } from '../components/common';
import { Pager } from '../components/Pager';
import { usePagedQuery } from '../components/usePagedQuery';
import { useCan } from '../session';
import { formatDate, formatNumber, formatPercent } from '../format';
import type { Campaign } from '../types';
import { useCampaignStats } from './useCampaignStats';

function Rate({ campaign, rate }: { campaign: Campaign; rate: 'received' | 'open' | 'click' }) {
  const stats = useCampaignStats(campaign);
  if (!stats.data) return <Text c="dimmed">—</Text>;
  if (rate === 'received') return <span className="tabular">{formatNumber(stats.data.received)}</span>;
  if (rate === 'open' && campaign.channel === 'sms') return <Text c="dimmed">n/a</Text>;
  return <span className="tabular">{formatPercent(stats.data.rates[rate])}</span>;
}

const columns: ColumnDef<Campaign>[] = [
  {
    header: 'Campaign',
    cell: ({ row }) => (
      <Group gap={6} wrap="nowrap">
        <Anchor component={Link} to={`/campaigns/${row.original.id}`}>
          {row.original.name}
        </Anchor>
        {row.original.parentCampaignId && (
          <Badge size="xs" variant="outline">
            relaunch
          </Badge>
        )}
        {row.original.archivedAt && (
          <Badge size="xs" variant="outline" color="gray">
            archived
          </Badge>
        )}
      </Group>
    ),
  },
  { header: 'Channel', cell: ({ row }) => (row.original.channel === 'email' ? 'Email' : 'SMS') },
  { header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  { header: 'Sent', cell: ({ row }) => formatDate(row.original.sentAt ?? row.original.scheduledAt) },
  { header: 'Received', cell: ({ row }) => <Rate campaign={row.original} rate="received" /> },
  { header: 'Open rate', cell: ({ row }) => <Rate campaign={row.original} rate="open" /> },
  { header: 'Click rate', cell: ({ row }) => <Rate campaign={row.original} rate="click" /> },
  {
    id: 'stats',
    header: () => <span className="sr-only">Statistics</span>,
    cell: ({ row }) =>
      row.original.sentAt && (
        <Anchor component={Link} to={`/campaigns/${row.original.id}/stats`} size="sm">
          Statistics
        </Anchor>
      ),
  },
];

const archivable = (c: Campaign) => c.status === 'sent' || c.status === 'cancelled';

/** Duplicate, delete a draft, archive or unarchive: one menu a row, for roles that edit campaigns. */
function useRowActions() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState<Campaign>();
  const refresh = () => client.invalidateQueries({ queryKey: ['/api/campaigns'] });
  const duplicate = useMutation({
    mutationFn: (c: Campaign) => api<Campaign>('POST', `/api/campaigns/${c.id}/duplicate`),
    onSuccess: (copy) => {
      void refresh();
      navigate(`/campaigns/${copy.id}`);
    },
  });
  const archive = useMutation({
    mutationFn: ({ c, archived }: { c: Campaign; archived: boolean }) => api<Campaign>('POST', `/api/campaigns/${c.id}/${archived ? 'archive' : 'unarchive'}`),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (c: Campaign) => api('DELETE', `/api/campaigns/${c.id}`),
    onSuccess: () => {
      setDeleting(undefined);
      void refresh();
    },
  });
  const column: ColumnDef<Campaign> = {
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) => {
      const c = row.original;
      return (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="subtle" aria-label={`Actions for ${c.name}`}>
              ⋯
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => duplicate.mutate(c)}>Duplicate</Menu.Item>
            {c.status === 'draft' && (
              <Menu.Item color="red" onClick={() => setDeleting(c)}>
                Delete draft
              </Menu.Item>
            )}
            {archivable(c) && !c.archivedAt && <Menu.Item onClick={() => archive.mutate({ c, archived: true })}>Archive</Menu.Item>}
            {c.archivedAt && <Menu.Item onClick={() => archive.mutate({ c, archived: false })}>Unarchive</Menu.Item>}
          </Menu.Dropdown>
        </Menu>
      );
    },
  };
  const dialog = (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={!!deleting} onClose={() => setDeleting(undefined)} title="Delete this draft?">
      <Text size="sm">
        “{deleting?.name}” and its content are deleted for good. Nothing has been sent from it.
      </Text>
      <ErrorAlert error={remove.error} />
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => setDeleting(undefined)}>
          Keep it
        </Button>
        <Button color="red" loading={remove.isPending} onClick={() => deleting && remove.mutate(deleting)}>
          Delete draft
        </Button>
      </Group>
    </Modal>
  );
  return { column, dialog, error: duplicate.error ?? archive.error };
}

export function CampaignsPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [status, setStatus] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [archived, setArchived] = useState(false);
  const campaigns = usePagedQuery<Campaign>('/api/campaigns', { search: debounced, status, channel, archived: archived || undefined });
  const can = useCan();
  const actions = useRowActions();
  return (
    <>
      <PageHeader
        title="Campaigns"
        actions={
          can('edit') && (
            <>
              <Button component={Link} to="/campaigns/new?channel=email">
                New email campaign
              </Button>
              <Button component={Link} to="/campaigns/new?channel=sms" variant="light">
                New SMS campaign
              </Button>
            </>
          )
        }
      />
      <Group mb="md" align="flex-end">
        <TextInput label="Search" placeholder="Campaign name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
        <Select label="Status" placeholder="Any" clearable data={['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled']} value={status} onChange={setStatus} w={160} />
        <Select label="Channel" placeholder="Any" clearable data={[{ value: 'email', label: 'Email' }, { value: 'sms', label: 'SMS' }]} value={channel} onChange={setChannel} w={140} />
        <Switch label="Show archived" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} mb={8} />
      </Group>
      <ErrorAlert error={campaigns.error ?? actions.error} />
      <DataTable
        caption="Campaigns"
        data={campaigns.data?.items ?? []}
        columns={can('edit') ? [...columns, actions.column] : columns}
        empty={campaigns.isLoading ? 'Loading…' : 'No campaign yet.'}
      />
      <Pager page={campaigns.page} total={campaigns.data?.total} previous={campaigns.previous} next={campaigns.next} />
      {actions.dialog}
    </>
  );
}
