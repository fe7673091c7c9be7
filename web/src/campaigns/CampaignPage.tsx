import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { get } from '../api';
import { Loading, ObjectError, PageHeader, StatusBadge } from '../components/common';
import { useCan } from '../session';
import { describeFilter, type FilterNode } from '../filters/model';
import { formatNumber } from '../format';
import type { Campaign, GuardResult } from '../types';
import { CampaignEditor } from './CampaignEditor';
import { AutoRelaunches, Relaunches } from './Relaunches';
import { SendPanel } from './SendPanel';
import { SendingProgress } from './SendingProgress';

/** A relaunch's audience: frozen when it was created; its size, and the filter it was taken with, in words. */
function FrozenAudience({ campaign }: { campaign: Campaign }) {
  const snapshot = campaign.parentCampaignId !== null && campaign.listIds.length === 0 && campaign.sentAt === null;
  // The guard of a draft counts whom it would send to now: the frozen audience.
  const size = useQuery({ queryKey: ['guard', campaign.id, 'draft'], queryFn: () => get<GuardResult>(`/api/campaigns/${campaign.id}/guard`), enabled: snapshot });
  const filter = (campaign as Campaign & { audienceFilter?: FilterNode | null }).audienceFilter;
  if (!snapshot && !filter) return null;
  return (
    <Text size="sm" c="dimmed" data-testid="frozen-audience">
      {snapshot && (
        <>
          Frozen audience: <b>{size.data ? formatNumber(size.data.total) : '…'}</b> {size.data?.total === 1 ? 'recipient' : 'recipients'}, taken from the original campaign when this relaunch was created.{' '}
        </>
      )}
      {filter && <>Filter: {describeFilter(filter)}.</>}
    </Text>
  );
}

export function CampaignPage() {
  const id = Number(useParams().id);
  const can = useCan();
  const campaign = useQuery({
    queryKey: ['campaign', id],
    queryFn: () => get<Campaign>(`/api/campaigns/${id}`),
    refetchInterval: (q) => (['sending', 'scheduled'].includes(q.state.data?.status ?? '') ? 2000 : false),
  });
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
            {c.channel === 'email' ? 'Email campaign' : 'SMS campaign'}
            {c.parentCampaignId && (
              <>
                {' · relaunch of '}
                <Anchor component={Link} to={`/campaigns/${c.parentCampaignId}`} size="sm">
                  campaign #{c.parentCampaignId}
                </Anchor>
                {c.audienceLabel && ` (${c.audienceLabel})`}
              </>
            )}
          </>
        }
        actions={
          c.sentAt && (
            <Button component={Link} to={`/campaigns/${c.id}/stats`}>
              Statistics
            </Button>
          )
        }
      />
      <Stack>
        {/* A scheduled campaign that could not start comes back to draft saying why. */}
        {c.status === 'draft' && c.statusReason && (
          <Alert color="orange" title="Back to draft">
            {c.statusReason}
          </Alert>
        )}
        <FrozenAudience campaign={c} />
        {c.status !== 'draft' ? <SendingProgress campaign={c} /> : (can('send') || can('edit')) && <SendPanel campaign={c} />}
        <Relaunches campaign={c} />
        {c.status === 'sent' && <AutoRelaunches campaign={c} />}
        <CampaignEditor key={`${c.id}-${c.status}`} campaign={c} channel={c.channel} />
      </Stack>
    </>
  );
}
