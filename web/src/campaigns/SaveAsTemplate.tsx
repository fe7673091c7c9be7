import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorAlert } from '../components/common';
import type { Design } from '../../../src/designs/schema.js';
import type { Template } from '../../../src/templates/schemas.js';

/** What a template is made from: a saved campaign (its stored content), or the content of one not saved yet. */
export type TemplateSource = { campaignId: number } | { design: Design } | { html: string };

/**
 * "Save as template": asks the name, then `prepare` (which saves the campaign first when it
 * has unsaved edits, so the template is what the user sees) and POST /api/templates.
 */
export function SaveAsTemplate({ defaultName, prepare, disabled }: { defaultName: string; prepare: () => Promise<TemplateSource>; disabled?: boolean }) {
  const client = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState('');
  const save = useMutation({
    mutationFn: async () => api<Template>('POST', '/api/templates', { name: name.trim(), ...(await prepare()) }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['/api/templates'] }),
  });
  const open = () => {
    save.reset();
    setName(defaultName);
    setOpened(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation(); // the dialog sits inside the campaign's form in the tree
    save.mutate();
  };
  return (
    <>
      <Button variant="default" onClick={open} disabled={disabled}>
        Save as template
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Save as template">
        {save.data ? (
          <Stack>
            <Text role="status" c="green">
              Saved as the template “{save.data.name}”. It is offered when you start a new email campaign.
            </Text>
            <Group justify="flex-end">
              <Button onClick={() => setOpened(false)}>Done</Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={submit} aria-label="Save as template">
            <Stack>
              <Text size="sm" c="dimmed">
                The template keeps this email's content (not its subject, sender or recipients).
              </Text>
              <TextInput label="Template name" required maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
              <ErrorAlert error={save.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setOpened(false)}>
                  Cancel
                </Button>
                <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                  Save template
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
