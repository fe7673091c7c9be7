import { ActionIcon, Button, Group, Modal, MultiSelect, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import type { Contact, List } from '../types';

type Status = Contact['emailStatus'];
const STATUSES = ['subscribed', 'unsubscribed', 'bounced', 'complained'];
/** `pending` is shown when it is the contact's, never offered: only the contact's own confirmation ends it. */
const statusOptions = (current: Status) => (current === 'pending' ? [{ value: 'pending', label: 'pending confirmation', disabled: true }, ...STATUSES] : STATUSES);

interface FieldRow {
  key: number;
  name: string;
  value: string;
}

/**
 * Adds a contact (POST /api/contacts, with its lists) or edits one (PATCH: what changed, a removed
 * custom field sent as null). A field whose text did not change keeps its type (a number stays a number).
 */
export function ContactForm({ contact, opened, onClose, onSaved }: { contact?: Contact; opened: boolean; onClose: () => void; onSaved: (contact: Contact) => void }) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={opened} onClose={onClose} title={contact ? 'Edit contact' : 'Add a contact'} size="lg">
      {/* Mounted only while open, so each opening starts from the contact as it is. */}
      {opened && <ContactFields contact={contact} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function ContactFields({ contact, onClose, onSaved }: { contact?: Contact; onClose: () => void; onSaved: (contact: Contact) => void }) {
  const [email, setEmail] = useState(contact?.email ?? '');
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const [firstName, setFirstName] = useState(contact?.firstName ?? '');
  const [lastName, setLastName] = useState(contact?.lastName ?? '');
  const [emailStatus, setEmailStatus] = useState<Status>(contact?.emailStatus ?? 'subscribed');
  const [smsStatus, setSmsStatus] = useState<Status>(contact?.smsStatus ?? 'subscribed');
  const [listIds, setListIds] = useState<string[]>([]);
  const original = contact?.fields ?? {};
  const [fields, setFields] = useState<FieldRow[]>(() => Object.entries(original).map(([name, value], key) => ({ key, name, value: String(value) })));
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists'), enabled: !contact });

  const save = useMutation({
    mutationFn: () => {
      const written: Record<string, unknown> = {};
      for (const row of fields) {
        const name = row.name.trim();
        if (!name) continue;
        written[name] = name in original && String(original[name]) === row.value ? original[name] : row.value;
      }
      if (!contact) {
        return api<Contact>('POST', '/api/contacts', {
          email: email.trim() || undefined,
          phone: phone.trim() || undefined,
          firstName: firstName.trim() || undefined,
          lastName: lastName.trim() || undefined,
          fields: written,
          emailStatus: emailStatus === 'pending' ? undefined : emailStatus,
          smsStatus: smsStatus === 'pending' ? undefined : smsStatus,
          listIds: listIds.map(Number),
        });
      }
      const removed = Object.fromEntries(Object.keys(original).filter((name) => !(name in written)).map((name) => [name, null]));
      return api<Contact>('PATCH', `/api/contacts/${contact.id}`, {
        email: email.trim() || null,
        phone: phone.trim() || null,
        firstName: firstName.trim() || null,
        lastName: lastName.trim() || null,
        fields: { ...removed, ...written },
        ...(emailStatus !== contact.emailStatus && { emailStatus }),
        ...(smsStatus !== contact.smsStatus && { smsStatus }),
      });
    },
    onSuccess: onSaved,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const setField = (key: number, change: Partial<FieldRow>) => setFields((rows) => rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <ErrorAlert error={save.error} />
        <Text size="sm" c="dimmed">
          A contact needs an email or a phone number.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
          <TextInput label="Phone" type="tel" description="International (+44 7700 900123) or national" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          <TextInput label="First name" value={firstName} onChange={(e) => setFirstName(e.currentTarget.value)} />
          <TextInput label="Last name" value={lastName} onChange={(e) => setLastName(e.currentTarget.value)} />
          <Select label="Email status" data={statusOptions(contact?.emailStatus ?? 'subscribed')} value={emailStatus} onChange={(v) => v && setEmailStatus(v as Status)} allowDeselect={false} />
          <Select label="SMS status" data={statusOptions(contact?.smsStatus ?? 'subscribed')} value={smsStatus} onChange={(v) => v && setSmsStatus(v as Status)} allowDeselect={false} />
        </SimpleGrid>
        {!contact && (
          <MultiSelect label="Lists" placeholder="None" data={(lists.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))} value={listIds} onChange={setListIds} searchable />
        )}
        <Text fw={600} size="sm">
          Custom fields
        </Text>
        {fields.map((row, i) => (
          <Group key={row.key} gap="xs" align="flex-end" wrap="nowrap">
            <TextInput label={`Field ${i + 1} name`} value={row.name} onChange={(e) => setField(row.key, { name: e.currentTarget.value })} style={{ flex: 1 }} />
            <TextInput label={`Field ${i + 1} value`} value={row.value} onChange={(e) => setField(row.key, { value: e.currentTarget.value })} style={{ flex: 2 }} />
            <ActionIcon variant="subtle" color="red" size="lg" mb={2} aria-label={`Remove field ${row.name || i + 1}`} onClick={() => setFields((rows) => rows.filter((r) => r.key !== row.key))}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="light" size="xs" onClick={() => setFields((rows) => [...rows, { key: Math.max(-1, ...rows.map((r) => r.key)) + 1, name: '', value: '' }])}>
            Add a field
          </Button>
        </Group>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {contact ? 'Save' : 'Add contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
