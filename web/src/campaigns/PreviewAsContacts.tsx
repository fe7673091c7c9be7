import { Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, get, query } from '../api';
import { ErrorAlert } from '../components/common';
import type { Campaign, VariantKey } from '../types';
import { PreviewFrame } from './EmailPreview';

/** GET /api/campaigns/:id/previews: the saved message rendered for real contacts of the audience (untracked). */
interface PreviewItem {
  contact: { id: number; email: string | null; phone: string | null; firstName: string | null; lastName: string | null };
  subject?: string | null;
  html?: string | null;
  text?: string | null;
  body?: string | null;
}

const nameOf = (c: PreviewItem['contact']) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || `Contact #${c.id}`;

/** "Preview as": the saved message as three real contacts of the audience receive it, for each variant of an A/B test. */
export function PreviewAsContacts({ campaign }: { campaign: Campaign }) {
  const variants = campaign.abTest?.variants.map((v) => v.key) ?? [];
  const [variant, setVariant] = useState<VariantKey | undefined>(variants[0]);
  const [chosen, setChosen] = useState(0);
  const previews = useQuery({
    queryKey: ['previews', campaign.id, campaign.updatedAt, variant ?? null],
    queryFn: () => get<{ items: PreviewItem[] }>(`/api/campaigns/${campaign.id}/previews${query({ variant })}`),
    retry: false,
  });
  const items = previews.data?.items ?? [];
  const item = items[Math.min(chosen, items.length - 1)];
  return (
    <section aria-label="Preview as">
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          Preview as
        </Text>
        {variants.length > 0 && (
          <SegmentedControl
            aria-label="Variant to preview"
            size="xs"
            value={variant}
            onChange={(v) => setVariant(v as VariantKey)}
            data={variants.map((key) => ({ value: key, label: `Variant ${key}` }))}
          />
        )}
        {previews.error instanceof ApiError && previews.error.status === 404 ? (
          <Text size="sm" c="dimmed">
            Previews as real contacts are not available on this server.
          </Text>
        ) : (
          <ErrorAlert error={previews.error} />
        )}
        {previews.data && items.length === 0 && (
          <Text size="sm" c="dimmed">
            Nobody in the audience yet: pick lists with contacts to see the message as they will.
          </Text>
        )}
        {items.length > 0 && (
          <SegmentedControl
            aria-label="Contact to preview as"
            size="xs"
            value={String(Math.min(chosen, items.length - 1))}
            onChange={(v) => setChosen(Number(v))}
            data={items.map((i, index) => ({ value: String(index), label: nameOf(i.contact) }))}
          />
        )}
        {item &&
          (campaign.channel === 'email' ? (
            <>
              <Text size="sm">
                <Text span c="dimmed" size="sm">
                  Subject:{' '}
                </Text>
                {item.subject ?? ''}
              </Text>
              <PreviewFrame html={item.html ?? ''} title={`Preview as ${nameOf(item.contact)}`} height={480} />
            </>
          ) : (
            <Paper bg="gray.1" p="sm" radius="lg" maw={320} aria-label={`SMS as ${nameOf(item.contact)}`}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {item.body ?? item.text ?? ''}
              </Text>
            </Paper>
          ))}
      </Stack>
    </section>
  );
}
