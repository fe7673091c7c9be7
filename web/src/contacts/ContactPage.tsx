import { Anchor, Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, get, query } from '../api';
import { ErrorAlert, Loading, ObjectError, PageHeader, StatusBadge } from '../components/common';
import { TableScroll } from '../components/TableScroll';
import { formatDate, fullName } from '../format';
import { useCan } from '../session';
import type { Campaign, Contact, List, Page, Recipient } from '../types';
import { ContactForm } from './ContactForm';

type Consent = NonNullable<Contact['consents']>[number];

const STATUSES: Contact['emailStatus'][] = ['subscribed', 'unsubscribed', 'bounced', 'complained'];

/** The statuses one may pick; `pending` is shown when it is the contact's, never offered (only the contact's own confirmation ends it). */
const statusOptions = (current: Contact['emailStatus']) =>
  current === 'pending' ? [{ value: 'pending', label: 'pending confirmation', disabled: true }, ...STATUSES] : STATUSES;

/** What this contact did in each recent campaign, read through the campaigns' own recipients endpoint. */
function useCampaignHistory(contact: Contact | undefined) {
  return useQuery({
    queryKey: ['contact-history', contact?.id],
    enabled: !!contact,
    queryFn: async () => {
      const campaigns = await get<Page<Campaign>>('/api/campaigns' + query({ limit: 20 }));
      const condition = contact!.email
        ? { field: 'contact.email', op: 'eq', value: contact!.email }
        : { field: 'contact.phone', op: 'eq', value: contact!.phone };
      const sent = campaigns.items.filter((c) => c.sentAt);
      const rows = await Promise.all(
        sent.map(async (campaign) => {
          const page = await get<Page<Recipient>>(
            `/api/campaigns/${campaign.id}/recipients` + query({ filter: { match: 'all', conditions: [condition] }, limit: 1 }),
          ).catch(() => undefined);
          return page?.items[0] ? { campaign, row: page.items[0] } : undefined;
        }),
      );
      return rows.filter((r) => r !== undefined);
    },
  });
}

export function ContactPage() {
  const id = Number(useParams().id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const can = useCan();
  const contact = useQuery({ queryKey: ['contact', id], queryFn: () => get<Contact>(`/api/contacts/${id}`) });
  const history = useCampaignHistory(contact.data);
  const update = useMutation({
    mutationFn: (patch: Partial<Contact>) => api<Contact>('PATCH', `/api/contacts/${id}`, patch),
    onSuccess: (data) => client.setQueryData(['contact', id], data),
  });
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const erase = useMutation({
    mutationFn: () => api('DELETE', `/api/contacts/${id}`),
    onSuccess: () => {
      client.removeQueries({ queryKey: ['contact', id] });
      void client.invalidateQueries({ queryKey: ['/api/contacts'] });
      navigate('/contacts');
    },
  });
  if (contact.isLoading) return <Loading />;
  if (!contact.data) return <ObjectError error={contact.error} />;
  const c = contact.data;
  return (
    <>
      <PageHeader
        title={c.email ?? c.phone ?? `Contact #${c.id}`}
        subtitle={fullName(c) || undefined}
        actions={
          <>
            {can('edit') && <Button onClick={() => setEditing(true)}>Edit</Button>}
            {/* Erasing is the export right's (SPEC §9): personal data leaves for good. */}
            {can('export') && (
              <Button color="red" variant="light" onClick={() => setErasing(true)}>
                Erase
              </Button>
            )}
          </>
        }
      />
      <ContactForm
        contact={c}
        opened={editing}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          setEditing(false);
          client.setQueryData(['contact', id], { ...c, ...saved });
          void client.invalidateQueries({ queryKey: ['/api/contacts'] });
        }}
      />
      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={erasing} onClose={() => setErasing(false)} title="Erase this contact?">
        <Text size="sm">
          {c.email ?? c.phone} is erased for good: name, addresses, custom fields, lists, consents and the copies of what they were sent are removed everywhere. Campaign figures keep
          an anonymous count. This cannot be undone.
        </Text>
        <ErrorAlert error={erase.error} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setErasing(false)}>
            Keep the contact
          </Button>
          <Button color="red" loading={erase.isPending} onClick={() => erase.mutate()}>
            Erase
          </Button>
        </Group>
      </Modal>
      <ErrorAlert error={update.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="lg">
        <Card withBorder>
          <Stack gap="xs">
            <Text fw={600}>Details</Text>
            <Text size="sm">Email: {c.email ?? '—'}</Text>
            <Text size="sm">Phone: {c.phone ?? '—'}</Text>
            <Text size="sm">Added: {formatDate(c.createdAt)}</Text>
            <Text size="sm">Tracking consent: {c.trackingConsent ? 'yes' : 'no'}</Text>
            {c.emailStatus === 'pending' && (
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Badge color="yellow" variant="light" style={{ flexShrink: 0 }}>
                  pending confirmation
                </Badge>
                <Text size="sm" c="dimmed">
                  Signed up through a form and has not confirmed by email yet: no campaign reaches this address until then.
                </Text>
              </Group>
            )}
            <Group>
              <Select label="Email status" data={statusOptions(c.emailStatus)} value={c.emailStatus} disabled={!can('edit')} onChange={(v) => v && update.mutate({ emailStatus: v as Contact['emailStatus'] })} w={180} />
              <Select label="SMS status" data={statusOptions(c.smsStatus)} value={c.smsStatus} disabled={!can('edit')} onChange={(v) => v && update.mutate({ smsStatus: v as Contact['smsStatus'] })} w={180} />
            </Group>
          </Stack>
        </Card>
        <Card withBorder>
          <Text fw={600} mb="xs">
            Custom fields
          </Text>
          {Object.keys(c.fields).length === 0 && <Text c="dimmed">None</Text>}
          <Table>
            <Table.Tbody>
              {Object.entries(c.fields).map(([name, value]) => (
                <Table.Tr key={name}>
                  <Table.Th>{name}</Table.Th>
                  <Table.Td>{String(value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
      <ContactLists contact={c} />
      <Consents consents={c.consents ?? []} />
      <Text fw={600} mb="xs">
        Campaign history
      </Text>
      {history.isLoading && <Loading label="Loading the history" />}
      <TableScroll label="Campaign history">
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Campaign</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Received</Table.Th>
            <Table.Th>Opened</Table.Th>
            <Table.Th>Clicked</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(history.data ?? []).map(({ campaign, row }) => (
            <Table.Tr key={campaign.id}>
              <Table.Td>
                <Anchor component={Link} to={`/campaigns/${campaign.id}/stats`}>
                  {campaign.name}
                </Anchor>{' '}
                <StatusBadge status={campaign.status} />
              </Table.Td>
              <Table.Td>{row.status}</Table.Td>
              <Table.Td>{row.received ? 'yes' : 'no'}</Table.Td>
              <Table.Td>{row.opened ? `×${row.opens}` : 'no'}</Table.Td>
              <Table.Td>{row.clicked ? <Badge variant="light">×{row.clicks}</Badge> : 'no'}</Table.Td>
            </Table.Tr>
          ))}
          {history.data?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>
                <Text c="dimmed">No campaign has been sent to this contact yet.</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      </TableScroll>
    </>
  );
}

/** The proof of consent: when, through which form, the very text shown, and the (truncated) address it came from. */
function Consents({ consents }: { consents: Consent[] }) {
  // The forms' names, once there is a consent to name one for (a deleted form keeps its number).
  const forms = useQuery({ queryKey: ['forms'], queryFn: () => get<{ id: number; name: string }[]>('/api/forms'), enabled: consents.some((c) => c.formId) });
  const formName = (id: number) => forms.data?.find((f) => f.id === id)?.name ?? `Form #${id}`;
  return (
    <Stack gap="xs" mb="lg">
      <Text fw={600}>Consents</Text>
      <TableScroll label="Consents">
      <Table withTableBorder>
        <caption className="sr-only">Consents</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Form</Table.Th>
            <Table.Th scope="col">Text shown</Table.Th>
            <Table.Th scope="col">Address</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {consents.map((consent, i) => (
            <Table.Tr key={`${consent.at}-${i}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(consent.at)}</Table.Td>
              <Table.Td>
                {consent.formId ? (
                  <Anchor component={Link} to={`/forms/${consent.formId}`}>
                    {formName(consent.formId)}
                  </Anchor>
                ) : (
                  consent.source
                )}
              </Table.Td>
              <Table.Td>{consent.text}</Table.Td>
              <Table.Td>
                <Text size="sm">{consent.ip ?? '—'}</Text>
                {consent.userAgent && (
                  <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
                    {consent.userAgent}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
          {consents.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={4}>
                <Text c="dimmed">No consent recorded: this contact was added by import or through the API.</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      </TableScroll>
    </Stack>
  );
}

/** The lists the contact is in, each with a Remove button, and a list to add it to. */
function ContactLists({ contact }: { contact: Contact }) {
  const client = useQueryClient();
  const mayEdit = useCan()('edit');
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const [adding, setAdding] = useState<string | null>(null);
  const memberOf = new Set(contact.listIds ?? []);
  const change = useMutation({
    mutationFn: ({ listId, join }: { listId: number; join: boolean }) => api(join ? 'POST' : 'DELETE', `/api/lists/${listId}/contacts`, { contactIds: [contact.id] }),
    onSuccess: () => {
      setAdding(null);
      void client.invalidateQueries({ queryKey: ['contact', contact.id] });
      void client.invalidateQueries({ queryKey: ['lists'] });
    },
  });
  const inLists = (lists.data ?? []).filter((l) => memberOf.has(l.id));
  const others = (lists.data ?? []).filter((l) => !memberOf.has(l.id));
  return (
    <Card withBorder mb="lg" component="section" aria-labelledby="contact-lists">
      <Text fw={600} mb="xs" id="contact-lists">
        Lists
      </Text>
      <ErrorAlert error={change.error} />
      {inLists.length === 0 && (
        <Text c="dimmed" size="sm">
          In no list.
        </Text>
      )}
      <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {inLists.map((list) => (
          <Group key={list.id} component="li" gap="xs" wrap="nowrap">
            <Anchor component={Link} to={`/contacts?listId=${list.id}`}>
              {list.name}
            </Anchor>
            {mayEdit && (
              <Button size="compact-xs" variant="subtle" color="red" aria-label={`Remove from ${list.name}`} onClick={() => change.mutate({ listId: list.id, join: false })}>
                Remove
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      {mayEdit && others.length > 0 && (
        <Group mt="sm" align="flex-end">
          <Select label="Add to a list" placeholder="Pick a list" data={others.map((l) => ({ value: String(l.id), label: l.name }))} value={adding} onChange={setAdding} w={240} />
          <Button variant="light" disabled={!adding} loading={change.isPending} onClick={() => adding && change.mutate({ listId: Number(adding), join: true })}>
            Add
          </Button>
        </Group>
      )}
    </Card>
  );
}
