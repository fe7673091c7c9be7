import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api';
import { CopyValue } from '../components/CopyValue';
import { ErrorAlert, Loading } from '../components/common';
import { formatDate } from '../format';
import { useCan } from '../session';
import type { RecordStatus, SendingDomain } from '../types';

const PURPOSES: Record<SendingDomain['records'][number]['purpose'], string> = {
  dkim: 'DKIM (signature key)',
  spf: 'SPF (allowed senders)',
  dmarc: 'DMARC (policy)',
};

const STATUS: Record<RecordStatus, { label: string; color: string }> = {
  unchecked: { label: 'not checked', color: 'gray' },
  valid: { label: 'valid', color: 'green' },
  missing: { label: 'missing', color: 'orange' },
  mismatch: { label: 'different value', color: 'red' },
  unreachable: { label: 'could not check', color: 'yellow' },
};

/**
 * The domains this workspace sends from: the DNS records to publish (each with a copy
 * button) and their status. Everyone reads them (editors pick From addresses); only
 * managers add, check and remove.
 */
export function DomainsTab() {
  const client = useQueryClient();
  const can = useCan();
  const manage = can('manage');
  const domains = useQuery({ queryKey: ['domains'], queryFn: () => get<SendingDomain[]>('/api/domains') });
  // A check's answer (with its message when DNS did not answer) replaces the domain in the list.
  const updated = (domain: SendingDomain) => client.setQueryData<SendingDomain[]>(['domains'], (list) => list?.map((d) => (d.id === domain.id ? domain : d)));
  const check = useMutation({ mutationFn: (id: number) => api<SendingDomain>('POST', `/api/domains/${id}/check`), onSuccess: updated });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/domains/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['domains'] }),
  });
  return (
    <Stack>
      {manage && <AddDomainForm onAdded={() => client.invalidateQueries({ queryKey: ['domains'] })} />}
      <ErrorAlert error={domains.error ?? check.error ?? remove.error} />
      {domains.isLoading && <Loading />}
      {domains.data?.length === 0 && (
        <Text c="dimmed">No sending domain yet: campaigns may use any From address, signed with the instance's default key when one is configured.</Text>
      )}
      {domains.data?.map((domain) => (
        <Card key={domain.id} withBorder component="section" aria-label={domain.domain}>
          <Group justify="space-between" mb="sm">
            <Group gap="sm">
              <Text fw={600} size="lg">
                {domain.domain}
              </Text>
              <Badge color={domain.verified ? 'green' : 'orange'} variant="light">
                {domain.verified ? 'verified' : 'not verified'}
              </Badge>
              <Text size="xs" c="dimmed">
                {domain.checkedAt ? `checked ${formatDate(domain.checkedAt)}` : 'never checked'}
              </Text>
            </Group>
            {manage && (
              <Group gap="xs">
                <Button size="xs" onClick={() => check.mutate(domain.id)} loading={check.isPending && check.variables === domain.id}>
                  Check DNS
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${domain.domain}`}
                  onClick={() => window.confirm(`Remove ${domain.domain}? Its DKIM key is deleted; campaigns from this domain are no longer signed with it.`) && remove.mutate(domain.id)}
                >
                  Remove
                </Button>
              </Group>
            )}
          </Group>
          {domain.check && (
            <Alert color={domain.check.ok ? 'green' : 'yellow'} role="status" mb="sm">
              {domain.check.message}
            </Alert>
          )}
          <Text size="sm" c="dimmed" mb="xs">
            Publish these TXT records at your DNS provider, then check them.
          </Text>
          <Table layout="fixed" verticalSpacing="xs">
            <caption className="sr-only">DNS records of {domain.domain}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={170}>Record</Table.Th>
                <Table.Th w="32%">Name</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th w={150}>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {domain.records.map((record) => (
                <Table.Tr key={record.purpose}>
                  <Table.Td>
                    <Text size="sm">{PURPOSES[record.purpose]}</Text>
                    <Text size="xs" c="dimmed">
                      {record.type}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CopyValue value={record.name} label={`${record.purpose.toUpperCase()} name`} />
                  </Table.Td>
                  <Table.Td>
                    <CopyValue value={record.value} label={`${record.purpose.toUpperCase()} value`} />
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS[record.status].color} variant="light">
                      {STATUS[record.status].label}
                    </Badge>
                    {record.found && record.found.length > 0 && record.status !== 'valid' && (
                      <Text size="xs" c="dimmed" mt={4} style={{ wordBreak: 'break-all' }}>
                        Found: {record.found.join(' · ')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ))}
    </Stack>
  );
}

function AddDomainForm({ onAdded }: { onAdded: () => void }) {
  const [domain, setDomain] = useState('');
  const add = useMutation({
    mutationFn: () => api<SendingDomain>('POST', '/api/domains', { domain: domain.trim() }),
    onSuccess: () => {
      setDomain('');
      onAdded();
    },
  });
  return (
    <Card withBorder>
      <form
        aria-label="Add a sending domain"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Stack gap="sm">
          <Text fw={600}>Add a sending domain</Text>
          <Text size="xs" c="dimmed">
            Once a domain is added, campaigns must send from an address of one of this workspace's domains, and mail is signed with the domain's own DKIM key.
          </Text>
          <Group align="flex-end">
            <TextInput label="Domain" placeholder="news.example.com" required value={domain} onChange={(e) => setDomain(e.currentTarget.value)} w={300} />
            <Button type="submit" loading={add.isPending}>
              Add domain
            </Button>
          </Group>
          <ErrorAlert error={add.error} />
        </Stack>
      </form>
    </Card>
  );
}
