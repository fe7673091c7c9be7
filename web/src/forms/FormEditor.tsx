import { Alert, Button, Checkbox, Group, MultiSelect, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, get } from '../api';
import { ErrorAlert } from '../components/common';
import type { List } from '../types';
import { inputOfPath, problems, type Draft, type FieldChoice } from './model';

interface Props {
  initial: Draft;
  /** The form's own messages are shown with their defaults filled in once it exists; a new one says what the default is. */
  isNew: boolean;
  readOnly: boolean;
  saving: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit(draft: Draft): void;
  /** Tells the page that the draft differs from what is saved (the preview shows the saved form). */
  onDirty?(dirty: boolean): void;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** Name, lists, fields, consent, double opt-in and the texts of one form. */
export function FormEditor({ initial, isNew, readOnly, saving, error, submitLabel, onSubmit, onDirty }: Props) {
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const change = (next: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...next }));
    onDirty?.(true);
  };
  const changeMessage = (key: keyof Draft['messages'], value: string) => change({ messages: { ...draft.messages, [key]: value } });
  const changeField = (name: string, next: Partial<FieldChoice>) =>
    change({ fields: draft.fields.map((f) => (f.name === name ? { ...f, ...next, ...(next.asked === false && { required: false }) } : f)) });

  // The client's own checks show once a save was tried; the server's refusal shows beside its input too.
  const found = tried ? problems(draft) : {};
  const serverInput = error instanceof ApiError ? inputOfPath(error.path) : undefined;
  const errorOf = (input: keyof ReturnType<typeof problems> | 'thankYou' | 'confirmed' | 'confirmationSubject') =>
    (found as Record<string, string | undefined>)[input] ?? (serverInput === input && error instanceof Error ? error.message : undefined);
  const defaultHint = (what: string) => (isNew ? `Leave empty for Ricochet's ${what}` : `Empty it to put back Ricochet's ${what}`);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(problems(draft)).length) return;
    onSubmit(draft);
  };

  return (
    <form onSubmit={submit} aria-label="Form settings" noValidate>
      <Stack gap="lg">
        {!readOnly && <ErrorAlert error={error} />}
        <Section title="Form">
          <TextInput label="Form name" description="The title of the hosted page" required value={draft.name} onChange={(e) => change({ name: e.currentTarget.value })} disabled={readOnly} error={errorOf('name')} />
          <MultiSelect
            label="Lists"
            description="Who signs up (and confirms) joins these lists"
            required
            placeholder={draft.listIds.length ? undefined : 'Pick one or more lists'}
            data={(lists.data ?? []).map((l) => ({ value: String(l.id), label: l.publicName && l.publicName !== l.name ? `${l.name} (${l.publicName})` : l.name }))}
            value={draft.listIds.map(String)}
            onChange={(ids) => change({ listIds: ids.map(Number) })}
            disabled={readOnly}
            searchable
            error={errorOf('listIds')}
          />
        </Section>

        <Section title="Fields">
          <Text size="sm" c="dimmed">
            The email is always asked. Tick what else the form asks; custom fields come from your contacts.
          </Text>
          <Table.ScrollContainer minWidth={340}>
            <Table verticalSpacing={6}>
              <caption className="sr-only">Fields</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Field</Table.Th>
                  <Table.Th scope="col" w={60}>
                    Ask
                  </Table.Th>
                  <Table.Th scope="col" w={80}>
                    Required
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td>Email</Table.Td>
                  <Table.Td>
                    <Checkbox aria-label="Ask for Email" checked disabled readOnly />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox aria-label="Email is required" checked disabled readOnly />
                  </Table.Td>
                </Table.Tr>
                {draft.fields.map((field) => (
                  <Table.Tr key={field.name}>
                    <Table.Td>
                      <Text size="sm">
                        {field.defaultLabel}{' '}
                        {field.kind !== 'built-in' && (
                          <Text span size="xs" c="dimmed">
                            custom · {field.kind}
                          </Text>
                        )}
                      </Text>
                      {field.asked && (
                        <TextInput
                          size="xs"
                          mt={4}
                          aria-label={`Label of ${field.defaultLabel}`}
                          placeholder={`Label: ${field.defaultLabel}`}
                          value={field.label}
                          onChange={(e) => changeField(field.name, { label: e.currentTarget.value })}
                          disabled={readOnly}
                        />
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Checkbox aria-label={`Ask for ${field.defaultLabel}`} checked={field.asked} onChange={(e) => changeField(field.name, { asked: e.currentTarget.checked })} disabled={readOnly} />
                    </Table.Td>
                    <Table.Td>
                      <Checkbox
                        aria-label={`${field.defaultLabel} is required`}
                        checked={field.required}
                        onChange={(e) => changeField(field.name, { required: e.currentTarget.checked })}
                        disabled={readOnly || !field.asked}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Section>

        <Section title="Consent">
          <Textarea
            label="Consent text"
            description="Shown beside the box people tick; kept with each consent as proof"
            required
            autosize
            minRows={2}
            value={draft.consentText}
            onChange={(e) => change({ consentText: e.currentTarget.value })}
            disabled={readOnly}
            error={errorOf('consentText')}
          />
          <Switch
            label="Double opt-in"
            description="New sign-ups get an email with a link to confirm, and no campaign reaches them until they do"
            checked={draft.doubleOptIn}
            onChange={(e) => change({ doubleOptIn: e.currentTarget.checked })}
            disabled={readOnly}
          />
          {!draft.doubleOptIn && (
            <Alert color="yellow" variant="light">
              Without double opt-in anyone can sign up someone else's address, and you hold no proof that its owner agreed.
            </Alert>
          )}
        </Section>

        <Section title="Messages">
          <Textarea
            label="Thank-you message"
            description="Shown after the form is sent, the same whoever sent it"
            placeholder={defaultHint('thank-you text')}
            autosize
            minRows={2}
            value={draft.messages.thankYou}
            onChange={(e) => changeMessage('thankYou', e.currentTarget.value)}
            disabled={readOnly}
            error={errorOf('thankYou')}
          />
          {draft.doubleOptIn && (
            <>
              <Textarea
                label="Confirmation message"
                description="Shown once people pressed Confirm"
                placeholder={defaultHint('text')}
                autosize
                minRows={2}
                value={draft.messages.confirmed}
                onChange={(e) => changeMessage('confirmed', e.currentTarget.value)}
                disabled={readOnly}
                error={errorOf('confirmed')}
              />
              <TextInput
                label="Confirmation email subject"
                description="{{ form.name }} and {{ contact.firstName }} may be used"
                placeholder={defaultHint('subject')}
                value={draft.messages.confirmationSubject}
                onChange={(e) => changeMessage('confirmationSubject', e.currentTarget.value)}
                disabled={readOnly}
                error={errorOf('confirmationSubject')}
              />
              <Textarea
                label="Confirmation email body"
                description="HTML. {{ confirm_url }} is the confirmation link and must be there; {{ form.name }}, {{ contact.firstName }} and {{ contact.lastName }} may be used"
                placeholder={defaultHint('email, which has a Confirm button')}
                autosize
                minRows={4}
                maxRows={16}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
                value={draft.messages.confirmationHtml}
                onChange={(e) => changeMessage('confirmationHtml', e.currentTarget.value)}
                disabled={readOnly}
                error={errorOf('confirmationHtml')}
              />
            </>
          )}
        </Section>
        {!readOnly && (
          <Group>
            <Button type="submit" loading={saving}>
              {submitLabel}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
