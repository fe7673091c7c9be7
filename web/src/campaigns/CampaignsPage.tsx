import { Anchor, Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Link } from 'react-router';
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

export function CampaignsPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [status, setStatus] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const campaigns = usePagedQuery<Campaign>('/api/campaigns', { search: debounced, status, channel });
  const can = useCan();
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
      <Group mb="md">
        <TextInput label="Search" placeholder="Campaign name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
        <Select label="Status" placeholder="Any" clearable data={['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled']} value={status} onChange={setStatus} w={160} />
        <Select label="Channel" placeholder="Any" clearable data={[{ value: 'email', label: 'Email' }, { value: 'sms', label: 'SMS' }]} value={channel} onChange={setChannel} w={140} />
      </Group>
      <ErrorAlert error={campaigns.error} />
      <DataTable caption="Campaigns" data={campaigns.data?.items ?? []} columns={columns} empty={campaigns.isLoading ? 'Loading…' : 'No campaign yet.'} />
      <Pager page={campaigns.page} total={campaigns.data?.total} previous={campaigns.previous} next={campaigns.next} />
    </>
  );
}
