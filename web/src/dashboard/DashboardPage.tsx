import { Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get } from '../api';
import { ErrorAlert, Loading, PageHeader, StatusBadge } from '../components/common';
import { countOf, formatDate, formatNumber, formatPercent } from '../format';
import { useCan } from '../session';
import type { Dashboard } from '../types';

/** A day of the growth chart: the server counts UTC days. */
const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const formatDay = (day: string | undefined) => (day ? dayFormat.format(new Date(`${day}T00:00:00Z`)) : '');

/** The home page: what is going out now, how the last sends did with people (human events only), and how the audience grows. */
export function DashboardPage() {
  const can = useCan();
  const summary = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => get<Dashboard>('/api/dashboard'),
    // Progress moves while something is sending.
    refetchInterval: (query) => (query.state.data?.sendingNow.length ? 2000 : false),
  });
  const data = summary.data;
  return (
    <>
      <PageHeader
        title="Dashboard"
        actions={
          can('edit') && (
            <Button component={Link} to="/campaigns/new?channel=email">
              New email campaign
            </Button>
          )
        }
      />
      <ErrorAlert error={summary.error} />
      {summary.isLoading && <Loading />}
      {data && (
        <Stack gap="lg">
          <SendingNow items={data.sendingNow} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <RecentCampaigns items={data.recent} />
            <Growth growth={data.growth} />
          </SimpleGrid>
        </Stack>
      )}
    </>
  );
}

function SendingNow({ items }: { items: Dashboard['sendingNow'] }) {
  return (
    <Card withBorder component="section" aria-labelledby="sending-now">
      <Title order={3} size="h4" id="sending-now" mb="xs">
        Sending now
      </Title>
      {items.length === 0 && <Text c="dimmed">Nothing is sending right now.</Text>}
      <Stack gap="sm">
        {items.map((c) => {
          const done = c.progress.total - c.progress.queued;
          const label = `${c.name}: ${formatNumber(done)} of ${formatNumber(c.progress.total)} sent`;
          return (
            <Stack key={c.id} gap={4}>
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/campaigns/${c.id}`} truncate>
                    {c.name}
                  </Anchor>
                  <StatusBadge status={c.status} />
                </Group>
                <Text size="sm" className="tabular" style={{ flexShrink: 0 }}>
                  {formatNumber(done)} of {formatNumber(c.progress.total)}
                </Text>
              </Group>
              <Progress value={c.progress.total ? (100 * done) / c.progress.total : 0} aria-label={label} />
            </Stack>
          );
        })}
      </Stack>
    </Card>
  );
}

function RecentCampaigns({ items }: { items: Dashboard['recent'] }) {
  return (
    <Card withBorder component="section" aria-labelledby="recent-campaigns">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="recent-campaigns">
          Recent campaigns
        </Title>
        <Anchor component={Link} to="/campaigns" size="sm">
          All campaigns
        </Anchor>
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        Rates count people only: opens and clicks of privacy proxies and link scanners are left out.
      </Text>
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing="xs">
          <caption className="sr-only">Recent campaigns</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Campaign</Table.Th>
              <Table.Th scope="col">Sent</Table.Th>
              <Table.Th scope="col">Received</Table.Th>
              <Table.Th scope="col">Human open rate</Table.Th>
              <Table.Th scope="col">Human click rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/campaigns/${c.id}/stats`}>
                    {c.name}
                  </Anchor>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(c.sentAt)}</Table.Td>
                <Table.Td className="tabular">{formatNumber(c.received)}</Table.Td>
                <Table.Td className="tabular">{c.humanOpenRate === null ? <Text c="dimmed" span>n/a</Text> : formatPercent(c.humanOpenRate)}</Table.Td>
                <Table.Td className="tabular">{formatPercent(c.humanClickRate)}</Table.Td>
              </Table.Tr>
            ))}
            {items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text c="dimmed">No campaign sent yet.</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

function Growth({ growth }: { growth: Dashboard['growth'] }) {
  const highest = Math.max(1, ...growth.days.map((d) => d.added));
  const summary = `${countOf(growth.added, 'new subscriber')} over the last 30 days; ${countOf(growth.subscribed, 'subscribed contact')} in all`;
  return (
    <Card withBorder component="section" aria-labelledby="audience-growth">
      <Title order={3} size="h4" id="audience-growth" mb="xs">
        Audience growth
      </Title>
      <Group gap="xl" mb="sm">
        <Stack gap={0}>
          <Text size="xl" fw={700} className="tabular">
            +{formatNumber(growth.added)}
          </Text>
          <Text size="sm" c="dimmed">
            new subscribers, last 30 days
          </Text>
        </Stack>
        <Stack gap={0}>
          <Text size="xl" fw={700} className="tabular">
            {formatNumber(growth.subscribed)}
          </Text>
          <Text size="sm" c="dimmed">
            subscribed contacts
          </Text>
        </Stack>
      </Group>
      {/* One bar a day; the figures are in the summary for those who do not see the bars. */}
      <svg role="img" aria-label={summary} viewBox="0 0 300 60" width="100%" height={60} preserveAspectRatio="none">
        {growth.days.map((d, i) => {
          const h = (56 * d.added) / highest;
          return (
            <rect key={d.day} x={i * 10 + 1} y={58 - h} width={8} height={Math.max(h, 1)} fill={d.added ? 'var(--mantine-color-blue-6)' : 'var(--mantine-color-gray-3)'}>
              <title>{`${formatDay(d.day)}: ${formatNumber(d.added)}`}</title>
            </rect>
          );
        })}
      </svg>
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {formatDay(growth.days[0]?.day)}
        </Text>
        <Text size="xs" c="dimmed">
          today
        </Text>
      </Group>
    </Card>
  );
}
