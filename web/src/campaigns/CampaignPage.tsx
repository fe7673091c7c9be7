import { Alert, Anchor, Button, Group, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { get } from '../api';
import { Loading, ObjectError, PageHeader, StatusBadge } from '../components/common';
import { useCan } from '../session';
import type { Campaign } from '../types';
import { CampaignEditor } from './CampaignEditor';
import { Relaunches } from './Relaunches';
import { SendPanel } from './SendPanel';
import { SendingProgress } from './SendingProgress';

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
        {c.status !== 'draft' ? <SendingProgress campaign={c} /> : (can('send') || can('edit')) && <SendPanel campaign={c} />}
        <Relaunches campaign={c} />
        <CampaignEditor key={`${c.id}-${c.status}`} campaign={c} channel={c.channel} />
      </Stack>
    </>
  );
}
