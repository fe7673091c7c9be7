import { Alert, Paper, Stack, Text } from '@mantine/core';
import { Liquid } from 'liquidjs';
import { SHORT_CODE_LENGTH, findLinks } from '../../../src/delivery/sms/links';
import { usePublicUrl, useSmsStopText } from '../session';
import { SAMPLE_CONTACT, useMerged, type MergeContact } from './EmailPreview';
import { withStopMention } from './SmsCounter';

const plain = new Liquid({ ownPropertyOnly: true, templates: {} });

/** The SMS as a phone shows it: merged with a contact (a real one of the audience when there is one), every link replaced by its short link. */
export function SmsPreview({ body, senderId, contact = SAMPLE_CONTACT }: { body: string; senderId: string | null; contact?: MergeContact }) {
  const publicUrl = usePublicUrl();
  const { output, error } = useMerged(withStopMention(body, useSmsStopText()), plain, contact);
  const links = findLinks(output);
  let shown = '';
  let from = 0;
  links.forEach((link, index) => {
    shown += output.slice(from, link.start) + `${publicUrl}/s/${String(index + 1).padStart(SHORT_CODE_LENGTH, 'x')}`;
    from = link.end;
  });
  shown += output.slice(from);
  return (
    <Stack gap="xs">
      {error && <Alert color="orange">{error}</Alert>}
      <Text size="xs" c="dimmed">
        From {senderId || 'your sender ID'}
      </Text>
      <Paper bg="gray.1" p="sm" radius="lg" maw={320} aria-label="SMS preview">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {shown || '…'}
        </Text>
      </Paper>
      {links.length > 0 && (
        <Text size="xs" c="dimmed">
          {links.length === 1 ? 'The link is' : `${links.length} links are`} replaced by tracked short links: {links.map((l) => l.url).join(', ')}
        </Text>
      )}
    </Stack>
  );
}
