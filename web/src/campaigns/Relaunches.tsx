import { Anchor, Card, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get } from '../api';
import { StatusBadge } from '../components/common';
import { formatDate, formatNumber, formatPercent } from '../format';
import type { Campaign, Lineage } from '../types';

/** The campaign beside its parent and every relaunch made from it, with their rates side by side. */
export function Relaunches({ campaign }: { campaign: Campaign }) {
  const lineage = useQuery({ queryKey: ['lineage', campaign.id], queryFn: () => get<Lineage>(`/api/campaigns/${campaign.id}/lineage`) });
  const items = lineage.data?.items ?? [];
  if (items.length < 2) return null;
  const sms = campaign.channel === 'sms';
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {campaign.parentCampaignId ? 'Original and relaunches' : 'Relaunches'}
      </Text>
      <Table>
        <caption className="sr-only">This campaign and its relaunches, side by side</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Campaign</Table.Th>
            <Table.Th>Audience</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Received</Table.Th>
            {!sms && <Table.Th>Open rate</Table.Th>}
            <Table.Th>Click rate</Table.Th>
            {!sms && <Table.Th>Click-to-open</Table.Th>}
            <Table.Th>Human click rate</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.campaign.id} bg={item.role === 'campaign' ? 'blue.0' : undefined}>
              <Table.Td>
                <Anchor component={Link} to={`/campaigns/${item.campaign.id}`} fw={item.role === 'campaign' ? 600 : undefined}>
                  {item.campaign.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{item.campaign.audienceLabel ?? (item.role === 'relaunch' ? '—' : 'original')}</Table.Td>
              <Table.Td>
                <StatusBadge status={item.campaign.status} />
              </Table.Td>
              <Table.Td>{formatDate(item.campaign.sentAt)}</Table.Td>
              <Table.Td className="tabular">{formatNumber(item.received)}</Table.Td>
              {!sms && <Table.Td className="tabular">{formatPercent(item.rates.open)}</Table.Td>}
              <Table.Td className="tabular">{formatPercent(item.rates.click)}</Table.Td>
              {!sms && <Table.Td className="tabular">{formatPercent(item.rates.clickToOpen)}</Table.Td>}
              <Table.Td className="tabular">{formatPercent(item.humanRates.click)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
