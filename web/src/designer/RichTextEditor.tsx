import { ActionIcon, Button, Group, Popover, Stack, Text, TextInput } from '@mantine/core';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { MergeTags } from '../campaigns/MergeTags';
import { useFocusBack } from './focusBack';
import { Icon } from './icons';

/**
 * A text block's rich text: paragraphs, bold, italic, links and lists, the markup the
 * compiler accepts (src/designs/schema.ts TextBlock). Everything else StarterKit offers is off.
 */
export function RichTextEditor({ label, value, onChange, readOnly }: { label: string; value: string; onChange(html: string): void; readOnly?: boolean }) {
  const labelId = useId();
  const emit = useRef(onChange);
  emit.current = onChange;
  /** The last HTML this editor sent. */
  const sent = useRef<string | undefined>(undefined);
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: false,
        blockquote: false,
        code: false,
        codeBlock: false,
        horizontalRule: false,
        strike: false,
        underline: false,
        trailingNode: false,
        // No autolink: "contact.fields.city" in a merge tag would become a link.
        link: { openOnClick: false, autolink: false, HTMLAttributes: { target: null, rel: null } },
      }),
    ],
    content: value,
    editable: !readOnly,
    editorProps: { attributes: { 'aria-labelledby': labelId, 'aria-multiline': 'true', role: 'textbox', class: 'designer-rich-text' } },
    onUpdate: ({ editor, transaction }) => {
      // Only what the person typed or formatted: not the editor's own normalising of the markup.
      if (!transaction.docChanged) return;
      sent.current = editor.isEmpty ? '' : editor.getHTML();
      emit.current(sent.current);
    },
  });

  const focusBack = useFocusBack(() => editor?.commands.focus());

  // Undo and redo change the value from outside: the editor follows. Its own value coming back
  // is not one of those (keys typed since are already in the editor and must stay).
  useEffect(() => {
    if (!editor || editor.isDestroyed || value === sent.current) return;
    const current = editor.isEmpty ? '' : editor.getHTML();
    if (current !== value) editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);

  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly, false);
  }, [editor, readOnly]);

  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500} id={labelId}>
          {label}
        </Text>
        {!readOnly && editor && (
          <span onFocusCapture={focusBack.onFocusCapture}>
            <MergeTags
              onInsert={(tag) => {
                editor.chain().focus().insertContent(tag).run();
                focusBack.inserted();
              }}
            />
          </span>
        )}
      </Group>
      {!readOnly && editor && <Toolbar editor={editor} />}
      <EditorContent editor={editor} />
    </Stack>
  );
}

function Toolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor }) => ({
      bold: editor.isActive('bold'),
      italic: editor.isActive('italic'),
      link: editor.isActive('link'),
      bulletList: editor.isActive('bulletList'),
      orderedList: editor.isActive('orderedList'),
    }),
  });
  return (
    <Group gap={4} role="toolbar" aria-label="Text formatting">
      <Mark label="Bold" active={state.bold} onClick={() => editor.chain().focus().toggleBold().run()}>
        <b>B</b>
      </Mark>
      <Mark label="Italic" active={state.italic} onClick={() => editor.chain().focus().toggleItalic().run()}>
        <i>I</i>
      </Mark>
      <LinkButton editor={editor} active={state.link} />
      <Mark label="Bulleted list" active={state.bulletList} onClick={() => editor.chain().focus().toggleBulletList().run()}>
        •≡
      </Mark>
      <Mark label="Numbered list" active={state.orderedList} onClick={() => editor.chain().focus().toggleOrderedList().run()}>
        1.
      </Mark>
    </Group>
  );
}

function Mark({ label, active, onClick, children }: { label: string; active: boolean; onClick(): void; children: ReactNode }) {
  return (
    <ActionIcon variant={active ? 'filled' : 'default'} aria-label={label} aria-pressed={active} onClick={onClick}>
      {children}
    </ActionIcon>
  );
}

function LinkButton({ editor, active }: { editor: Editor; active: boolean }) {
  const [opened, setOpened] = useState(false);
  const [href, setHref] = useState('');
  const open = () => {
    setHref((editor.getAttributes('link').href as string | undefined) ?? 'https://');
    setOpened(true);
  };
  const apply = () => {
    const chain = editor.chain().focus().extendMarkRange('link');
    if (href.trim()) chain.setLink({ href: href.trim() }).run();
    else chain.unsetLink().run();
    setOpened(false);
  };
  return (
    <Popover opened={opened} onChange={setOpened} trapFocus position="bottom" withArrow shadow="md">
      <Popover.Target>
        <ActionIcon variant={active ? 'filled' : 'default'} aria-label="Link" aria-pressed={active} onClick={() => (opened ? setOpened(false) : open())}>
          <Icon name="link" />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        {/* No form: the designer may sit inside the campaign's form. */}
        <Stack gap="xs">
          <TextInput
            label="Link address"
            value={href}
            onChange={(e) => setHref(e.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                apply();
              }
            }}
            size="xs"
            data-autofocus
          />
          <Group gap="xs">
              <Button size="xs" onClick={apply}>
                Apply link
              </Button>
              {active && (
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    editor.chain().focus().extendMarkRange('link').unsetLink().run();
                    setOpened(false);
                  }}
                >
                  Remove link
                </Button>
              )}
            </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
