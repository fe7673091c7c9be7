import { Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, formatPercent } from '../format';
import type { Breakdown as Rows, Campaign, CampaignStats } from '../types';

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
  const timeline = stats.timeline.map((point) => ({
    at: new Date(point.at).toLocaleString('en', point.span === 'day' ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
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
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Sent" value={formatNumber(stats.sent)} />
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
        <Breakdown title="Devices" rows={stats.breakdown.devices} email={email} />
        <Breakdown title={email ? 'Email clients' : 'Browsers'} rows={stats.breakdown.clients} email={email} />
        <Breakdown title="Operating systems" rows={stats.breakdown.os} email={email} />
      </SimpleGrid>
    </Stack>
  );
}
