import { Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { ErrorAlert } from '../components/common';
import { formatDate, formatNumber, formatPercent } from '../format';
import { useCan } from '../session';
import type { Breakdown as Rows, Campaign, CampaignStats } from '../types';

const CRITERIA: Record<string, string> = { humanClickRate: 'human click rate', humanOpenRate: 'human open rate', clickToOpen: 'human click-to-open' };

/** An A/B test side by side: each variant's all-events and human rates and its chance of being best, the test's state, and the winner sent at once. */
export function AbOverview({ campaign, stats }: { campaign: Campaign; stats: CampaignStats }) {
  const can = useCan();
  const client = useQueryClient();
  const email = campaign.channel === 'email';
  const ab = stats.ab;
  const send = useMutation({
    mutationFn: (variant: string) => api<unknown>('POST', `/api/campaigns/${campaign.id}/ab/winner`, { variant }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['stats', campaign.id] });
      void client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
    },
  });
  if (!stats.variants.length) return null;
  const best = Math.max(...stats.variants.map((v) => v.probabilityBest));
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Text fw={600}>A/B test</Text>
        {ab && (
          <Text size="sm" data-testid="ab-state">
            {ab.status === 'testing' && `Testing until ${formatDate(ab.decideAt)}, then the leader on ${CRITERIA[ab.criterion] ?? ab.criterion} goes to the rest.`}
            {ab.status === 'decided' && `Decided: variant ${ab.winner} is going to the rest. ${ab.reason ?? ''}`}
            {ab.status === 'sent' && `Sent: variant ${ab.winner} went to the rest. ${ab.reason ?? ''}`}
          </Text>
        )}
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <caption className="sr-only">The variants side by side</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Variant</Table.Th>
              <Table.Th>Sent</Table.Th>
              <Table.Th>Received</Table.Th>
              {email && <Table.Th>Open rate (human / all)</Table.Th>}
              <Table.Th>Click rate (human / all)</Table.Th>
              <Table.Th>Probability best</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stats.variants.map((v) => (
              <Table.Tr key={v.key}>
                <Table.Th scope="row">
                  <Group gap={6}>
                    {v.key}
                    {ab?.winner === v.key && ab.status !== 'testing' && (
                      <Badge size="xs" color="green" tt="none">
                        winner
                      </Badge>
                    )}
                  </Group>
                </Table.Th>
                <Table.Td className="tabular">{formatNumber(v.sent)}</Table.Td>
                <Table.Td className="tabular">{formatNumber(v.received)}</Table.Td>
                {email && (
                  <Table.Td className="tabular">
                    {formatPercent(v.humanRates.open)} / {formatPercent(v.rates.open)}
                  </Table.Td>
                )}
                <Table.Td className="tabular">
                  {formatPercent(v.humanRates.click)} / {formatPercent(v.rates.click)}
                </Table.Td>
                <Table.Td className="tabular" fw={v.probabilityBest === best ? 700 : undefined}>
                  {formatPercent(v.probabilityBest)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed" mt={4}>
        The winner is picked on human events only: privacy proxies that load every image and scanners that follow every link never decide.
      </Text>
      <ErrorAlert error={send.error} />
      {can('send') && ab?.status === 'testing' && (
        <Group gap="xs" mt="sm">
          {stats.variants.map((v) => (
            <Button
              key={v.key}
              size="xs"
              variant={v.probabilityBest === best ? 'filled' : 'default'}
              loading={send.isPending && send.variables === v.key}
              onClick={() => window.confirm(`Send variant ${v.key} to the rest of the audience now? The test ends here.`) && send.mutate(v.key)}
            >
              Send variant {v.key} to the rest now
            </Button>
          ))}
        </Group>
      )}
    </Card>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} className="tabular">
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Card>
  );
}

/** Opens and clicks by device, client or system, as the tracking routes recorded them from user agents. */
function Breakdown({ title, rows, email }: { title: string; rows: Rows; email: boolean }) {
  if (!rows.length) return null;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {title}
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            {email && <Table.Th>Opens</Table.Th>}
            <Table.Th>Clicks</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Td>{r.name}</Table.Td>
              {email && <Table.Td className="tabular">{formatNumber(r.opens)}</Table.Td>}
              <Table.Td className="tabular">{formatNumber(r.clicks)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Key figures and rates (all events or human only), the timeline, devices and clients. */
export function OverviewTab({ campaign, stats }: { campaign: Campaign; stats: CampaignStats }) {
  const [mode, setMode] = useState<'all' | 'human'>('all');
  const human = mode === 'human';
  const openers = human ? stats.opens.humanUnique : stats.opens.unique;
  const clickers = human ? stats.clicks.humanUnique : stats.clicks.unique;
  const rates = human ? stats.humanRates : stats.rates;
  const email = campaign.channel === 'email';
  const breakdown = human ? stats.breakdown.human : stats.breakdown;
  const timeline = stats.timeline.map((point) => ({
    at: new Date(point.at).toLocaleString('en', point.span === 'day' ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    Opens: human ? point.humanOpens : point.opens,
    Clicks: human ? point.humanClicks : point.clicks,
  }));
  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          {human ? 'Opens and clicks by people only: privacy proxies and link scanners left out.' : 'Every recorded open and click, as other platforms count them.'}
        </Text>
        <SegmentedControl
          aria-label="Events counted"
          value={mode}
          onChange={(v) => setMode(v as 'all' | 'human')}
          data={[
            { value: 'all', label: 'All events' },
            { value: 'human', label: 'Human only' },
          ]}
        />
      </Group>
      <AbOverview campaign={campaign} stats={stats} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure
          label="Sent"
          value={formatNumber(stats.sent)}
          detail={`accepted by the ${email ? 'mail server' : 'SMS provider'}${stats.skipped ? `; ${formatNumber(stats.skipped)} skipped, never sent` : ''}`}
        />
        <Figure label="Received" value={formatNumber(stats.received)} detail={`${formatNumber(stats.bounced.hard)} hard and ${formatNumber(stats.bounced.soft)} soft bounces`} />
        {email && <Figure label="Open rate" value={formatPercent(rates.open)} detail={`${formatNumber(openers)} openers`} />}
        <Figure label="Click rate" value={formatPercent(rates.click)} detail={`${formatNumber(clickers)} clickers`} />
        {email && <Figure label="Click-to-open (reactivity)" value={formatPercent(rates.clickToOpen)} />}
        <Figure
          label={email ? 'Opens and clicks' : 'Clicks'}
          value={email ? `${formatNumber(human ? stats.opens.human : stats.opens.total)} / ${formatNumber(human ? stats.clicks.human : stats.clicks.total)}` : formatNumber(human ? stats.clicks.human : stats.clicks.total)}
          detail={stats.opens.anonymous + stats.clicks.anonymous > 0 ? `including ${formatNumber(stats.opens.anonymous + stats.clicks.anonymous)} anonymous (no tracking consent)` : 'every event, repeats included'}
        />
        <Figure label="Unsubscribed" value={formatNumber(stats.unsubscribed)} />
        {email && <Figure label="Complaints" value={formatNumber(stats.complained)} />}
      </SimpleGrid>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Timeline
        </Text>
        {timeline.length === 0 ? (
          <Text c="dimmed">No opens or clicks yet.</Text>
        ) : (
          <div style={{ width: '100%', height: 280 }} role="img" aria-label={`Opens and clicks over time, ${timeline.length} points`}>
            <ResponsiveContainer>
              <LineChart data={timeline} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
                <XAxis dataKey="at" fontSize={12} />
                <YAxis allowDecimals={false} fontSize={12} />
                <Tooltip />
                <Legend />
                {email && <Line type="monotone" dataKey="Opens" stroke="#1c7ed6" strokeWidth={2} dot={false} isAnimationActive={false} />}
                <Line type="monotone" dataKey="Clicks" stroke="#f76707" strokeWidth={2} dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Breakdown title="Devices" rows={breakdown.devices} email={email} />
        <Breakdown title={email ? 'Email clients' : 'Browsers'} rows={breakdown.clients} email={email} />
        <Breakdown title="Operating systems" rows={breakdown.os} email={email} />
      </SimpleGrid>
    </Stack>
  );
}
