import { Button, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import { formatDate, formatNumber } from '../format';
import { useCan } from '../session';
import type { Campaign, Progress as SendProgress } from '../types';
import { useCampaignStats } from './useCampaignStats';

/** Where the send stands (live while sending), with pause, resume and cancel. */
export function SendingProgress({ campaign }: { campaign: Campaign }) {
  const client = useQueryClient();
  const live = campaign.status === 'sending';
  const send = useCan()('send');
  const progress = useQuery({
    queryKey: ['progress', campaign.id],
    queryFn: () => get<SendProgress>(`/api/campaigns/${campaign.id}/progress`),
    refetchInterval: live ? 1000 : false,
    enabled: campaign.status !== 'draft' && campaign.status !== 'scheduled',
  });
  const control = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => api<Campaign>('POST', `/api/campaigns/${campaign.id}/${action}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
      void client.invalidateQueries({ queryKey: ['progress', campaign.id] });
    },
  });
  // "Sent" as everywhere (SPEC §2): accepted by the server, counted as the statistics count it; a message that bounced later was sent.
  const stats = useCampaignStats(campaign, { live: true });
  const p = progress.data;
  const done = p ? p.total - p.queued : 0;
  const fraction = p && p.total ? done / p.total : 0;
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Text fw={600}>{campaign.status === 'scheduled' ? `Scheduled for ${formatDate(campaign.scheduledAt)}` : 'Sending'}</Text>
          <Group gap="xs">
            {send && campaign.status === 'sending' && (
              <Button variant="default" size="xs" onClick={() => control.mutate('pause')} loading={control.isPending}>
                Pause
              </Button>
            )}
            {send && campaign.status === 'paused' && (
              <Button size="xs" onClick={() => control.mutate('resume')} loading={control.isPending}>
                Resume
              </Button>
            )}
            {send && ['scheduled', 'sending', 'paused'].includes(campaign.status) && (
              <Button color="red" variant="light" size="xs" onClick={() => window.confirm('Cancel this campaign? Messages not sent yet will never be.') && control.mutate('cancel')}>
                Cancel sending
              </Button>
            )}
          </Group>
        </Group>
        <ErrorAlert error={control.error ?? progress.error} />
        {p && (
          <>
            <Progress value={fraction * 100} animated={live} size="lg" aria-label="Sending progress" />
            <Text size="sm" className="tabular" role="status" aria-live="polite">
              {formatNumber(done)} of {formatNumber(p.total)} processed · {formatNumber(stats.data?.sent ?? p.sent + p.delivered)} sent · {formatNumber(p.bounced)} bounced · {formatNumber(p.failed)} failed ·{' '}
              {formatNumber(p.skipped)} skipped, never sent
            </Text>
          </>
        )}
        {campaign.statusReason && (
          <Text size="sm" c="dimmed">
            {campaign.statusReason}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
