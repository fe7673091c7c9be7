import { Badge, Group, Text } from '@mantine/core';
import { smsParts } from '../../../src/delivery/sms/encoding';

/** Live characters / encoding / parts of an SMS text, counted exactly as the sender will split it. */
export function SmsCounter({ text, publicUrl, stopText }: { text: string; publicUrl?: string; stopText?: string }) {
  const sent = stopText ? `${text}\n${stopText}` : text;
  const { characters, encoding, parts, perPart } = smsParts(sent, { publicUrl });
  return (
    <Group gap="xs" aria-live="polite" role="status" aria-label="SMS length">
      <Text size="sm" className="tabular">
        {characters} characters
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
