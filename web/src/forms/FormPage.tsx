import { Anchor, Button, Card, CopyButton, Group, Loader, ScrollArea, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, get } from '../api';
import { CopyValue } from '../components/CopyValue';
import { ErrorAlert, Loading, ObjectError, PageHeader } from '../components/common';
import { formatNumber, formatPercent } from '../format';
import { useCan, useSession } from '../session';
import { FormEditor } from './FormEditor';
import { draftOf, patchBody, type Draft } from './model';
import { fieldsQuery } from './NewFormPage';
import type { Form } from './types';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm" role="group" aria-label={label}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" className="tabular">
        {value}
      </Text>
    </Card>
  );
}

/** The snippet is long (its own styles and the form): it scrolls in its box, its copy button stays in view. */
function EmbedCode({ html }: { html: string }) {
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" c="dimmed">
          Paste it into any page of your site: a plain HTML form, no script, that posts to the hosted page.
        </Text>
        <CopyButton value={html}>
          {({ copied, copy }) => (
            <Button size="xs" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy} style={{ flexShrink: 0 }}>
              {copied ? 'Copied' : 'Copy embed code'}
            </Button>
          )}
        </CopyButton>
      </Group>
      {/* A box that scrolls is reached by the keyboard too. */}
      <ScrollArea.Autosize mah={180} type="auto" viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Embed code' }}>
        <Text component="pre" size="xs" ff="monospace" m={0} p="xs" bg="gray.0" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {html}
        </Text>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/**
 * The hosted page as the server renders it, in an iframe with an empty sandbox (no script, no
 * form post). It comes from the preview endpoint: opening the live page would count a view.
 */
function Preview({ form, stale }: { form: Form; stale: boolean }) {
  const preview = useQuery({ queryKey: ['form-preview', form.id, form.updatedAt], queryFn: () => get<{ html: string }>(`/api/forms/${form.id}/preview`) });
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Preview
        </Title>
        {preview.isFetching && <Loader size="xs" aria-label="Loading the preview" />}
      </Group>
      {stale && (
        <Text size="sm" c="dimmed" role="status">
          The preview shows the saved form: save to see your changes.
        </Text>
      )}
      <ErrorAlert error={preview.error} />
      {preview.data && <iframe title="Form preview" sandbox="" srcDoc={preview.data.html} className="preview-frame" style={{ height: 620 }} />}
    </Stack>
  );
}

export function FormPage() {
  const id = Number(useParams().id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const session = useSession();
  const mayEdit = useCan()('edit');
  const [dirty, setDirty] = useState(false);
  const form = useQuery({ queryKey: ['form', id], queryFn: () => get<Form>(`/api/forms/${id}`), refetchOnWindowFocus: true });
  const fields = useQuery(fieldsQuery);
  const save = useMutation({
    mutationFn: (draft: Draft) => api<Form>('PATCH', `/api/forms/${id}`, patchBody(draft, form.data!)),
    onSuccess: (saved) => {
      client.setQueryData(['form', id], saved);
      void client.invalidateQueries({ queryKey: ['forms'] });
      setDirty(false);
    },
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/api/forms/${id}`),
    onSuccess: () => {
      client.removeQueries({ queryKey: ['form', id] });
      void client.invalidateQueries({ queryKey: ['forms'] });
      navigate('/forms');
    },
  });
  if (form.isLoading || fields.isLoading) return <Loading />;
  if (!form.data) return <ObjectError error={form.error} />;
  const f = form.data;
  return (
    <>
      <PageHeader
        title={f.name}
        subtitle={`${f.doubleOptIn ? 'Double opt-in' : 'Single opt-in'} · ${f.fields.length + 1} field${f.fields.length ? 's' : ''}`}
        actions={
          mayEdit && (
            <Button
              color="red"
              variant="light"
              loading={remove.isPending}
              onClick={() => window.confirm(`Delete the form "${f.name}"? Its page and the confirmation links already sent stop working; the contacts stay.`) && remove.mutate()}
            >
              Delete
            </Button>
          )
        }
      />
      <ErrorAlert error={remove.error} />
      <SimpleGrid cols={{ base: 2, sm: 4 }} mb="lg">
        <Stat label="Views" value={formatNumber(f.stats.views)} />
        <Stat label="Sign-ups" value={formatNumber(f.stats.signups)} />
        <Stat label="Confirmations" value={formatNumber(f.stats.confirmations)} />
        <Stat label="Confirmation rate" value={f.stats.signups ? formatPercent(f.stats.confirmationRate) : '—'} />
      </SimpleGrid>
      <Card withBorder mb="lg" component="section" aria-label="Share">
        <Stack gap="md">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={3} size="h5">
                Hosted page
              </Title>
              <Anchor href={f.url} target="_blank" rel="noopener" size="sm">
                Open the hosted page
              </Anchor>
            </Group>
            <CopyValue value={f.url} label="Hosted page link" />
          </Stack>
          <Stack gap="xs" component="section" aria-label="Embed code">
            <Title order={3} size="h5">
              Embed code
            </Title>
            <EmbedCode html={f.embedHtml} />
          </Stack>
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Card withBorder>
          <FormEditor
            key={f.updatedAt}
            initial={draftOf(f, fields.data ?? [], session?.workspace?.name ?? 'us')}
            isNew={false}
            readOnly={!mayEdit}
            saving={save.isPending}
            error={save.error}
            submitLabel="Save form"
            onSubmit={(draft) => save.mutate(draft)}
            onDirty={setDirty}
          />
        </Card>
        <Card withBorder>
          <Preview form={f} stale={dirty} />
        </Card>
      </SimpleGrid>
    </>
  );
}
