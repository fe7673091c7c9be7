import { Anchor, Group, Tabs } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { get } from '../api';
import { ErrorAlert, Loading, ObjectError, PageHeader, StatusBadge } from '../components/common';
import { useCampaignStats } from '../campaigns/useCampaignStats';
import { formatDate } from '../format';
import type { Campaign } from '../types';
import { BehaviorTab } from './BehaviorTab';
import { LinksTab } from './LinksTab';
import { OverviewTab } from './OverviewTab';

const TABS = ['overview', 'links', 'behavior'] as const;

/** A campaign's statistics: Overview, Links and Behavioral tracking (SPEC §8), the tab kept in the address. */
export function StatsPage() {
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'overview';
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => get<Campaign>(`/api/campaigns/${id}`) });
  const stats = useCampaignStats(campaign.data, { live: true });
  if (campaign.isLoading) return <Loading />;
  if (!campaign.data) return <ObjectError error={campaign.error} />;
  const c = campaign.data;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            {c.name} <StatusBadge status={c.status} />
          </Group>
        }
        subtitle={
          <>
            {c.channel === 'email' ? 'Email' : 'SMS'} · sent {formatDate(c.sentAt)} ·{' '}
            <Anchor component={Link} to={`/campaigns/${c.id}`} size="sm">
              campaign page
            </Anchor>
          </>
        }
      />
      <ErrorAlert error={stats.error} />
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'overview' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="links">Links</Tabs.Tab>
          <Tabs.Tab value="behavior">Behavioral tracking</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">{stats.data ? <OverviewTab campaign={c} stats={stats.data} /> : <Loading />}</Tabs.Panel>
        <Tabs.Panel value="links">{stats.data ? <LinksTab campaign={c} stats={stats.data} /> : <Loading />}</Tabs.Panel>
        <Tabs.Panel value="behavior">
          <BehaviorTab campaign={c} links={stats.data?.links ?? []} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
