import { Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatPercent } from '../format';
import type { Campaign, Stats } from '../types';

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

const ratio = (a: number, b: number) => (b ? a / b : 0);

function Breakdown({ title, rows }: { title: string; rows?: { name: string; count: number }[] }) {
  if (!rows?.length) return null;
  const total = rows.reduce((s, r) => s + r.count, 0);
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {title}
      </Text>
      <Table>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Td>{r.name}</Table.Td>
              <Table.Td className="tabular">{formatNumber(r.count)}</Table.Td>
              <Table.Td className="tabular">{formatPercent(ratio(r.count, total))}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Key figures and rates (all events or human only), the timeline, devices and clients. */
export function OverviewTab({ campaign, stats }: { campaign: Campaign; stats: Stats }) {
  const [mode, setMode] = useState<'all' | 'human'>('all');
  const human = mode === 'human';
  const openers = human ? stats.opens.humanUnique : stats.opens.unique;
  const clickers = human ? stats.clicks.humanUnique : stats.clicks.unique;
  const email = campaign.channel === 'email';
  const timeline = stats.timeline.map((point) => ({
    at: new Date(point.at).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
    Opens: human ? (point.humanOpens ?? point.opens) : point.opens,
    Clicks: human ? (point.humanClicks ?? point.clicks) : point.clicks,
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
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Sent" value={formatNumber(stats.sent)} />
        <Figure label="Received" value={formatNumber(stats.received)} detail={`${formatNumber(stats.bounced.hard)} hard and ${formatNumber(stats.bounced.soft)} soft bounces`} />
        {email && <Figure label="Open rate" value={formatPercent(ratio(openers, stats.received))} detail={`${formatNumber(openers)} openers`} />}
        <Figure label="Click rate" value={formatPercent(ratio(clickers, stats.received))} detail={`${formatNumber(clickers)} clickers`} />
        {email && <Figure label="Click-to-open (reactivity)" value={formatPercent(ratio(clickers, openers))} />}
        <Figure label={email ? 'Opens' : 'Clicks'} value={formatNumber(email ? stats.opens.total : stats.clicks.total)} detail={email ? `${formatNumber(stats.clicks.total)} clicks` : undefined} />
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
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Breakdown title="Devices" rows={stats.devices} />
        <Breakdown title="Email clients" rows={stats.clients} />
      </SimpleGrid>
    </Stack>
  );
}
