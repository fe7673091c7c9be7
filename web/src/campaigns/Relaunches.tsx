import { Anchor, Card, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get, query } from '../api';
import { StatusBadge } from '../components/common';
import { formatDate, formatNumber, formatPercent } from '../format';
import type { Campaign, Page } from '../types';
import { useCampaignStats } from './useCampaignStats';

function Row({ campaign, original }: { campaign: Campaign; original: boolean }) {
  const stats = useCampaignStats(campaign).data;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/campaigns/${campaign.id}`} fw={original ? 600 : undefined}>
          {campaign.name}
        </Anchor>
      </Table.Td>
      <Table.Td>{campaign.audienceLabel ?? (original ? 'original' : '—')}</Table.Td>
      <Table.Td>
        <StatusBadge status={campaign.status} />
      </Table.Td>
      <Table.Td>{formatDate(campaign.sentAt)}</Table.Td>
      <Table.Td className="tabular">{formatNumber(stats?.received)}</Table.Td>
      <Table.Td className="tabular">{campaign.channel === 'sms' ? 'n/a' : formatPercent(stats?.rates.open)}</Table.Td>
      <Table.Td className="tabular">{formatPercent(stats?.rates.click)}</Table.Td>
      <Table.Td className="tabular">{campaign.channel === 'sms' ? 'n/a' : formatPercent(stats?.rates.clickToOpen)}</Table.Td>
    </Table.Tr>
  );
}

/** The campaign beside every relaunch made from it, with their rates side by side. */
export function Relaunches({ campaign }: { campaign: Campaign }) {
  const children = useQuery({
    queryKey: ['relaunches', campaign.id],
    queryFn: async () => (await get<Page<Campaign>>('/api/campaigns' + query({ limit: 1000 }))).items.filter((c) => c.parentCampaignId === campaign.id),
  });
  if (!children.data?.length) return null;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Relaunches
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Campaign</Table.Th>
            <Table.Th>Audience</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Received</Table.Th>
            <Table.Th>Open rate</Table.Th>
            <Table.Th>Click rate</Table.Th>
            <Table.Th>Click-to-open</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Row campaign={campaign} original />
          {children.data.map((child) => (
            <Row key={child.id} campaign={child} original={false} />
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
