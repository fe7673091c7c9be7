import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import type { Campaign, CampaignStats } from '../types';

/** A campaign's statistics, only once it has started sending; refreshed while it is sending. */
export function useCampaignStats(campaign: Pick<Campaign, 'id' | 'status' | 'sentAt'> | undefined, options: { live?: boolean } = {}) {
  return useQuery({
    queryKey: ['stats', campaign?.id],
    enabled: !!campaign && (campaign.sentAt !== null || ['sending', 'paused', 'sent'].includes(campaign.status)),
    queryFn: () => get<CampaignStats>(`/api/campaigns/${campaign!.id}/stats`),
    refetchInterval: options.live && campaign?.status === 'sending' ? 3000 : false,
    staleTime: 10_000,
  });
}
