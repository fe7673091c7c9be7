import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { get } from '../api';
import type { Channel, Contact, Page } from '../types';
import { SAMPLE_CONTACT, type MergeContact } from './EmailPreview';

const toMerge = (c: Contact): MergeContact => ({ firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, fields: (c.fields ?? {}) as Record<string, unknown> });

/**
 * The contact previews are merged with: a real contact of the audience (with their custom
 * fields, so `{{ contact.fields.city }}` shows a value), the first of the first list that
 * the channel reaches, or for an SMS campaign the server's own sample, so that the counter
 * and the send panel count the same message. The made-up sample only when there is no one.
 */
export function useSampleContact(channel: Channel, listIds: number[], smsSampleId?: number | null): { contact: MergeContact; real: boolean; name: string } {
  const listId = listIds[0];
  const byId = useQuery({
    queryKey: ['sample-contact', 'id', smsSampleId],
    queryFn: () => get<Contact>(`/api/contacts/${smsSampleId}`),
    enabled: !!smsSampleId,
    staleTime: 60_000,
  });
  const fromList = useQuery({
    queryKey: ['sample-contact', 'list', listId, channel],
    queryFn: async () => (await get<Page<Contact>>(`/api/contacts?listId=${listId}&limit=20`)).items.find((c) => (channel === 'email' ? c.email : c.phone)) ?? null,
    enabled: !smsSampleId && listId !== undefined,
    staleTime: 60_000,
  });
  const found = smsSampleId ? byId.data : fromList.data;
  return useMemo(() => {
    if (!found) return { contact: SAMPLE_CONTACT, real: false, name: 'a sample contact' };
    return { contact: toMerge(found), real: true, name: [found.firstName, found.lastName].filter(Boolean).join(' ') || (channel === 'email' ? found.email : found.phone) || `contact #${found.id}` };
  }, [found, channel]);
}
