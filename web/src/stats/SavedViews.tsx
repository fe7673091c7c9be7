import { ActionIcon, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import type { Group as FilterGroup } from '../filters/model';
import { useCan } from '../session';
import type { SavedView as StoredView } from '../types';
import type { Segment } from './audience';

/** The server's schema leaves a filter's shape to its parser; this app saves groups only. */
type SavedView = Omit<StoredView, 'filter'> & { filter: FilterGroup | null };

/** Named segment + filter pairs, reusable on any campaign. */
export function SavedViews({ current, onLoad }: { current: { segment: Segment; filter?: FilterGroup }; onLoad: (view: { segment?: Segment; filter?: FilterGroup }) => void }) {
  const client = useQueryClient();
  const mayEdit = useCan()('edit');
  const views = useQuery({ queryKey: ['views'], queryFn: () => get<SavedView[]>('/api/views') });
  const [chosen, setChosen] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const save = useMutation({
    mutationFn: () => api<SavedView>('POST', '/api/views', { name, segment: current.segment === 'all' ? null : current.segment, filter: current.filter ?? null }),
    onSuccess: (view) => {
      setNaming(false);
      setChosen(String(view.id));
      void client.invalidateQueries({ queryKey: ['views'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/views/${id}`),
    onSuccess: () => {
      setChosen(null);
      void client.invalidateQueries({ queryKey: ['views'] });
    },
  });
  const list = Array.isArray(views.data) ? views.data : [];
  return (
    <Group gap={4} align="flex-end">
      <Select
        aria-label="Saved views"
        placeholder="Saved views"
        w={190}
        data={list.map((v) => ({ value: String(v.id), label: v.name }))}
        value={chosen}
        onChange={(value) => {
          setChosen(value);
          const view = list.find((v) => String(v.id) === value);
          if (view) onLoad({ segment: view.segment ?? 'all', filter: view.filter ?? undefined });
        }}
        clearable
      />
      {chosen && mayEdit && (
        <ActionIcon variant="subtle" color="red" size="lg" aria-label="Delete this saved view" onClick={() => remove.mutate(Number(chosen))}>
          ×
        </ActionIcon>
      )}
      {mayEdit && (
        <Button variant="default" onClick={() => setNaming(true)}>
          Save view
        </Button>
      )}
      <Modal opened={naming} onClose={() => setNaming(false)} title="Save this view">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <ErrorAlert error={save.error} />
            <TextInput label="View name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Group>
  );
}
