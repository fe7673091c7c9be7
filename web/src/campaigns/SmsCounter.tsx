import { Badge, Group, Text } from '@mantine/core';
import { Liquid } from 'liquidjs';
import { smsParts } from '../../../src/delivery/sms/encoding';
import { SAMPLE_CONTACT, useMerged, type MergeContact } from './EmailPreview';

const plain = new Liquid({ ownPropertyOnly: true, templates: {} });

/** The body as sent: the STOP mention is appended unless the text already carries it. */
export function withStopMention(text: string, stopText: string | undefined): string {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return stopText && !squash(text).includes(squash(stopText)) ? `${text.trimEnd()}\n${stopText}` : text;
}

/**
 * Live characters / encoding / parts of an SMS text, counted exactly as the sender will split it:
 * merge tags filled in with `contact` (a tag's own characters are never sent), the STOP mention
 * and short links included. The server's sms-preview counts the same message for the same contact.
 */
export function SmsCounter({ text, publicUrl, stopText, contact = SAMPLE_CONTACT, contactName }: { text: string; publicUrl?: string; stopText?: string; contact?: MergeContact; contactName?: string }) {
  const { output } = useMerged(withStopMention(text, stopText), plain, contact);
  const { characters, encoding, parts, perPart } = smsParts(output, { publicUrl });
  return (
    <Group gap="xs" aria-live="polite" role="status" aria-label="SMS length">
      <Text size="sm" className="tabular">
        {characters} characters{contactName && ` for ${contactName}`}
      </Text>
      <Badge variant="light" color={encoding === 'gsm7' ? 'gray' : 'orange'} title={encoding === 'ucs2' ? 'A character outside the GSM alphabet makes every part shorter' : undefined}>
        {encoding === 'gsm7' ? 'GSM 7-bit' : 'Unicode (UCS-2)'}
      </Badge>
      <Badge variant="light" color={parts > 1 ? 'orange' : 'blue'}>
        {parts} {parts === 1 ? 'part' : 'parts'}
      </Badge>
      <Text size="xs" c="dimmed">
        {perPart} per part
      </Text>
    </Group>
  );
}
