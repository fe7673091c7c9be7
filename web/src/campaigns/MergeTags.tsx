import { Button, Menu } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';

const STANDARD_TAGS = [
  { label: 'First name (or “there”)', tag: '{{ contact.firstName | default: "there" }}' },
  { label: 'Last name', tag: '{{ contact.lastName }}' },
  { label: 'Email', tag: '{{ contact.email }}' },
  { label: 'Unsubscribe link', tag: '{{ unsubscribe_url }}' },
  { label: 'View online link', tag: '{{ view_online_url }}' },
];

/** A menu of merge tags: picking one inserts it where the cursor is. */
export function MergeTags({ onInsert, sms = false }: { onInsert: (tag: string) => void; sms?: boolean }) {
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => get<{ name: string }[]>('/api/fields') });
  const tags = [
    ...STANDARD_TAGS.filter((t) => !sms || !t.tag.includes('_url')),
    ...(fields.data ?? []).map((f) => ({ label: `Field: ${f.name}`, tag: `{{ contact.fields["${f.name}"] }}` })),
  ];
  return (
    <Menu shadow="md" position="bottom-end">
      <Menu.Target>
        <Button variant="light" size="xs">
          Insert merge tag
        </Button>
      </Menu.Target>
      <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
        {tags.map((t) => (
          <Menu.Item key={t.tag} onClick={() => onInsert(t.tag)}>
            {t.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Inserts text at the cursor of a textarea and returns the new value. */
export function insertAtCursor(element: HTMLTextAreaElement | null, value: string, text: string): string {
  if (!element) return value + text;
  const start = element.selectionStart ?? value.length;
  const end = element.selectionEnd ?? value.length;
  const next = value.slice(0, start) + text + value.slice(end);
  requestAnimationFrame(() => {
    element.focus();
    element.setSelectionRange(start + text.length, start + text.length);
  });
  return next;
}
