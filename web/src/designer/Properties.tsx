import { ActionIcon, Alert, Button, ColorInput, Group, Image, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { memo, useEffect, useId, useRef, useState } from 'react';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import { MergeTags, insertAtCursor } from '../campaigns/MergeTags';
import type { Page } from '../types';
import { BLOCK_LABELS, NETWORK_LABELS, STYLE_DEFAULTS } from './blocks';
import type { Selection } from './Canvas';
import { findBlock, findRow, rowIndex, type Block, type Design, type DesignStyle } from './model';
import { useFocusBack } from './focusBack';
import { Icon } from './icons';
import { RichTextEditor } from './RichTextEditor';

/** Changes the panel can make; stable, like the canvas's. `coalesce` names the field being typed in. */
export interface PropertyActions {
  select(selection: Selection): void;
  updateBlock(id: string, patch: Partial<Block>, coalesce?: string): void;
  setColumns(rowId: string, count: number): void;
  updateRow(rowId: string, patch: { backgroundColor?: string }, coalesce?: string): void;
  updateStyle(patch: Partial<DesignStyle>, coalesce?: string): void;
}

type Align = 'left' | 'center' | 'right';
const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const HTTP = /^https?:\/\/\S+$/;

/** The panel for the selection: a block's properties, a row's, or the email's style. */
export const Properties = memo(function Properties({ design, selection, actions, readOnly }: { design: Design; selection: Selection; actions: PropertyActions; readOnly: boolean }) {
  const found = selection.kind === 'block' ? findBlock(design, selection.id) : undefined;
  const row = selection.kind === 'row' ? findRow(design, selection.id) : undefined;
  let title = 'Email style';
  let body = <StyleFields style={design.style ?? {}} actions={actions} readOnly={readOnly} />;
  if (found) {
    title = `${BLOCK_LABELS[found.block.type]} block`;
    body = <BlockFields key={found.block.id} block={found.block} actions={actions} readOnly={readOnly} />;
  } else if (row) {
    title = `Row ${rowIndex(design, row.id!) + 1}`;
    body = (
      <Stack gap="sm">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="designer-column-count">
            Column count
          </Text>
          <SegmentedControl
            aria-labelledby="designer-column-count"
            data={['1', '2', '3', '4']}
            value={String(row.columns.length)}
            onChange={(value) => actions.setColumns(row.id!, Number(value))}
            disabled={readOnly}
          />
          <Text size="xs" c="dimmed">
            Fewer columns: the blocks of those removed move to the last one kept. On a phone, columns stack.
          </Text>
        </Stack>
        <ColourField label="Row background" value={row.backgroundColor} onChange={(backgroundColor, key) => actions.updateRow(row.id!, { backgroundColor }, key)} readOnly={readOnly} id={`${row.id}:bg`} />
      </Stack>
    );
  }
  return (
    <Stack gap="sm" aria-label="Properties" role="region" className="designer-properties">
      <Stack gap={2}>
        <Title order={3} size="h4">
          {title}
        </Title>
        {(found || row) && (
          <Group gap="xs">
            {found && (
              <Button variant="subtle" size="compact-xs" px={0} onClick={() => actions.select({ kind: 'row', id: found.place.rowId })}>
                Row settings
              </Button>
            )}
            <Button variant="subtle" size="compact-xs" px={0} onClick={() => actions.select({ kind: 'style' })}>
              Email style
            </Button>
          </Group>
        )}
      </Stack>
      {body}
    </Stack>
  );
});

interface FieldsProps<B extends Block = Block> {
  block: B;
  actions: PropertyActions;
  readOnly: boolean;
}

function BlockFields({ block, actions, readOnly }: FieldsProps) {
  const id = block.id!;
  const set = (patch: Partial<Block>, field?: string) => actions.updateBlock(id, patch, field && `${id}:${field}`);
  const align = <AlignField value={block.type === 'divider' || block.type === 'spacer' || block.type === 'html' || block.type === 'footer' ? undefined : block.align} onChange={(value) => set({ align: value } as Partial<Block>)} readOnly={readOnly} />;
  switch (block.type) {
    case 'heading':
      return (
        <Stack gap="sm">
          <TaggedInput label="Heading text" value={block.text} onChange={(text) => set({ text }, 'text')} readOnly={readOnly} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id={`${id}-level`}>
              Level
            </Text>
            <SegmentedControl aria-labelledby={`${id}-level`} data={['1', '2', '3'].map((l) => ({ value: l, label: `H${l}` }))} value={String(block.level ?? 1)} onChange={(v) => set({ level: Number(v) as 1 })} disabled={readOnly} />
          </Stack>
          {align}
          <ColourField label="Colour" value={block.color} onChange={(color, key) => set({ color }, key)} readOnly={readOnly} id={`${id}:color`} />
        </Stack>
      );
    case 'text':
      return (
        <Stack gap="sm">
          <RichTextEditor label="Text" value={block.html} onChange={(html) => set({ html }, 'html')} readOnly={readOnly} />
          {align}
        </Stack>
      );
    case 'image':
      return <ImageFields block={block} actions={actions} readOnly={readOnly} />;
    case 'button':
      return (
        <Stack gap="sm">
          <TaggedInput label="Button label" value={block.label} onChange={(label) => set({ label }, 'label')} readOnly={readOnly} required />
          <TaggedInput label="Button link" value={block.href} onChange={(href) => set({ href }, 'href')} readOnly={readOnly} required />
          <ColourField label="Button colour" value={block.backgroundColor} onChange={(backgroundColor, key) => set({ backgroundColor }, key)} readOnly={readOnly} id={`${id}:bg`} />
          <ColourField label="Label colour" value={block.color} onChange={(color, key) => set({ color }, key)} readOnly={readOnly} id={`${id}:color`} />
          {align}
        </Stack>
      );
    case 'divider':
      return <ColourField label="Line colour" value={block.color} onChange={(color, key) => set({ color }, key)} readOnly={readOnly} id={`${id}:color`} />;
    case 'spacer':
      return (
        <NumberInput
          label="Height (px)"
          min={4}
          max={200}
          value={block.height}
          onChange={(value) => typeof value === 'number' && value >= 4 && value <= 200 && set({ height: Math.round(value) }, 'height')}
          readOnly={readOnly}
        />
      );
    case 'social':
      return <SocialFields block={block} actions={actions} readOnly={readOnly} />;
    case 'html':
      return (
        <Textarea
          label="HTML"
          description="Sent as it is. In the app it shows in a sandbox, where no script runs."
          value={block.html}
          onChange={(e) => set({ html: e.currentTarget.value }, 'html')}
          autosize
          minRows={6}
          maxRows={20}
          styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12 } }}
          spellCheck={false}
          readOnly={readOnly}
        />
      );
    case 'footer':
      return (
        <Textarea
          label="Line above the links"
          description="Your postal address, for instance. The view-online and unsubscribe links always follow."
          value={block.text ?? ''}
          onChange={(e) => set({ text: e.currentTarget.value || undefined }, 'text')}
          autosize
          minRows={2}
          maxLength={1000}
          readOnly={readOnly}
        />
      );
  }
}

/** A text input with the merge-tag picker, inserting where the cursor is. */
function TaggedInput({ label, value, onChange, readOnly, required }: { label: string; value: string; onChange(value: string): void; readOnly: boolean; required?: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  // insertAtCursor puts the cursor after the tag; the menu's closing must not take the focus from there.
  const focusBack = useFocusBack(() => ref.current?.focus());
  return (
    <Stack gap={4}>
      <TextInput
        ref={ref}
        label={label}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        readOnly={readOnly}
        required={required}
        error={required && !value.trim() ? 'Required' : undefined}
      />
      {!readOnly && (
        <Group justify="flex-end" onFocusCapture={focusBack.onFocusCapture}>
          <MergeTags
            onInsert={(tag) => {
              onChange(insertAtCursor(ref.current as unknown as HTMLTextAreaElement, value, tag));
              focusBack.inserted();
            }}
          />
        </Group>
      )}
    </Stack>
  );
}

function AlignField({ value, onChange, readOnly }: { value?: Align; onChange(value: Align): void; readOnly: boolean }) {
  const id = useId();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={id}>
        Alignment
      </Text>
      <SegmentedControl
        aria-labelledby={id}
        data={[
          { value: 'left', label: 'Left' },
          { value: 'center', label: 'Centre' },
          { value: 'right', label: 'Right' },
        ]}
        value={value ?? 'left'}
        onChange={(v) => onChange(v as Align)}
        disabled={readOnly}
      />
    </Stack>
  );
}

/**
 * A hex colour; what is typed is kept as it is until it is a colour (#rgb or #rrggbb), and
 * an empty field means the default. `id` names the field for undo's coalescing.
 */
function ColourField({ label, value, onChange, readOnly, id }: { label: string; value?: string; onChange(value: string | undefined, coalesce: string): void; readOnly: boolean; id: string }) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const invalid = text !== '' && !HEX.test(text);
  return (
    <ColorInput
      label={label}
      value={text}
      format="hex"
      placeholder="Default"
      onChange={(next) => {
        setText(next);
        if (next === '') onChange(undefined, id);
        else if (HEX.test(next)) onChange(next, id);
      }}
      error={invalid ? 'A colour like #1f2937' : undefined}
      readOnly={readOnly}
      disallowInput={readOnly}
      withPicker={!readOnly}
      withEyeDropper={!readOnly}
      eyeDropperButtonProps={{ 'aria-label': `Pick the ${label.toLowerCase()} from the screen` }}
    />
  );
}

interface MediaItem {
  id: number;
  url: string;
  originalName: string;
  width: number | null;
  height: number | null;
}

const IMAGE_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

function ImageFields({ block, actions, readOnly }: FieldsProps<Extract<Block, { type: 'image' }>>) {
  const id = block.id!;
  const inputId = useId();
  const [libraryOpen, setLibraryOpen] = useState(false);
  const set = (patch: Partial<Block>, field?: string) => actions.updateBlock(id, patch, field && `${id}:${field}`);
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return api<{ url: string }>('POST', '/api/media', form);
    },
    onSuccess: (media) => set({ src: media.url }),
  });
  const [src, setSrc] = useState(block.src);
  useEffect(() => setSrc(block.src), [block.src]);
  return (
    <Stack gap="sm">
      {!readOnly && (
        <Stack gap={4}>
          <Text size="sm" fw={500} component="label" htmlFor={inputId}>
            Upload image
          </Text>
          <input
            id={inputId}
            type="file"
            accept={IMAGE_TYPES}
            className="designer-file"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) upload.mutate(file);
              event.currentTarget.value = '';
            }}
          />
          <Text size="xs" c="dimmed">
            PNG, JPEG, GIF or WebP, up to 5 MB.
          </Text>
          {upload.isPending && (
            <Text size="sm" role="status">
              Uploading…
            </Text>
          )}
          <ErrorAlert error={upload.error} />
          <Group>
            <Button variant="default" size="xs" onClick={() => setLibraryOpen(true)}>
              Choose from the library
            </Button>
          </Group>
          {libraryOpen && (
            <MediaLibrary
              onClose={() => setLibraryOpen(false)}
              onPick={(media) => {
                set({ src: media.url });
                setLibraryOpen(false);
              }}
            />
          )}
        </Stack>
      )}
      <TextInput
        label="Image address"
        value={src}
        onChange={(e) => {
          const next = e.currentTarget.value;
          setSrc(next);
          if (HTTP.test(next)) set({ src: next }, 'src');
        }}
        error={HTTP.test(src) ? undefined : 'An address starting with https:// or http://'}
        readOnly={readOnly}
      />
      <TextInput label="Alt text" description="Read aloud, and shown when images are off" value={block.alt} onChange={(e) => set({ alt: e.currentTarget.value }, 'alt')} readOnly={readOnly} maxLength={500} />
      <TextInput label="Image link" placeholder="https://" value={block.href ?? ''} onChange={(e) => set({ href: e.currentTarget.value || undefined }, 'href')} readOnly={readOnly} />
      <NumberInput
        label="Width (px)"
        description="Empty: the column's width"
        min={16}
        max={1200}
        value={block.width ?? ''}
        onChange={(value) => {
          if (value === '') set({ width: undefined }, 'width');
          else if (typeof value === 'number' && value >= 16 && value <= 1200) set({ width: Math.round(value) }, 'width');
        }}
        readOnly={readOnly}
      />
      <AlignField value={block.align ?? 'center'} onChange={(align) => set({ align })} readOnly={readOnly} />
    </Stack>
  );
}

function MediaLibrary({ onClose, onPick }: { onClose(): void; onPick(media: MediaItem): void }) {
  const media = useQuery({ queryKey: ['/api/media'], queryFn: () => get<Page<MediaItem>>('/api/media?limit=100') });
  return (
    <Modal opened onClose={onClose} title="Image library" size="lg">
      <ErrorAlert error={media.error} />
      {media.data && media.data.items.length === 0 && <Text c="dimmed">No images uploaded yet.</Text>}
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {media.data?.items.map((item) => (
          <UnstyledButton key={item.id} onClick={() => onPick(item)} aria-label={`Use ${item.originalName}`} className="designer-library-item">
            <Image src={item.url} alt="" h={96} fit="contain" />
            <Text size="xs" truncate>
              {item.originalName}
            </Text>
          </UnstyledButton>
        ))}
      </SimpleGrid>
    </Modal>
  );
}

const NETWORK_OPTIONS = Object.entries(NETWORK_LABELS).map(([value, label]) => ({ value, label }));

function SocialFields({ block, actions, readOnly }: FieldsProps<Extract<Block, { type: 'social' }>>) {
  const id = block.id!;
  const setLinks = (links: typeof block.links, field?: string) => actions.updateBlock(id, { links }, field && `${id}:${field}`);
  return (
    <Stack gap="sm">
      {block.links.map((link, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
          <Select
            label={`Network ${i + 1}`}
            data={NETWORK_OPTIONS}
            value={link.network}
            onChange={(network) => network && setLinks(block.links.map((l, j) => (j === i ? { ...l, network: network as typeof l.network } : l)))}
            allowDeselect={false}
            readOnly={readOnly}
            w={130}
          />
          <TextInput
            label={`Address ${i + 1}`}
            value={link.href}
            onChange={(e) => setLinks(block.links.map((l, j) => (j === i ? { ...l, href: e.currentTarget.value } : l)), `href${i}`)}
            readOnly={readOnly}
            style={{ flex: 1 }}
          />
          {!readOnly && (
            <ActionIcon variant="default" aria-label={`Remove link ${i + 1}`} onClick={() => setLinks(block.links.filter((_, j) => j !== i))} mb={4}>
              <Icon name="remove" />
            </ActionIcon>
          )}
        </Group>
      ))}
      {!readOnly && block.links.length < 10 && (
        <Group>
          <Button variant="default" size="xs" onClick={() => setLinks([...block.links, { network: 'website', href: 'https://' }])}>
            Add a link
          </Button>
        </Group>
      )}
      <AlignField value={block.align ?? 'center'} onChange={(align) => actions.updateBlock(id, { align })} readOnly={readOnly} />
    </Stack>
  );
}

const FONTS = [
  'Helvetica, Arial, sans-serif',
  'Georgia, "Times New Roman", serif',
  'Verdana, Geneva, sans-serif',
  '"Trebuchet MS", Tahoma, sans-serif',
  '"Courier New", Courier, monospace',
];

function StyleFields({ style, actions, readOnly }: { style: DesignStyle; actions: PropertyActions; readOnly: boolean }) {
  const [width, setWidth] = useState<number | string>(style.width ?? STYLE_DEFAULTS.width);
  useEffect(() => setWidth(style.width ?? STYLE_DEFAULTS.width), [style.width]);
  const fonts = style.fontFamily && !FONTS.includes(style.fontFamily) ? [style.fontFamily, ...FONTS] : FONTS;
  return (
    <Stack gap="sm">
      <NumberInput
        label="Width (px)"
        description="On a wide screen; from 480 to 900"
        min={480}
        max={900}
        value={width}
        onChange={(value) => {
          setWidth(value);
          if (typeof value === 'number' && value >= 480 && value <= 900) actions.updateStyle({ width: Math.round(value) }, 'style:width');
        }}
        error={typeof width === 'number' && (width < 480 || width > 900) ? 'From 480 to 900' : undefined}
        readOnly={readOnly}
      />
      <ColourField label="Page background" value={style.backgroundColor} onChange={(backgroundColor, key) => actions.updateStyle({ backgroundColor }, key)} readOnly={readOnly} id="style:bg" />
      <ColourField label="Content background" value={style.contentBackgroundColor} onChange={(contentBackgroundColor, key) => actions.updateStyle({ contentBackgroundColor }, key)} readOnly={readOnly} id="style:content" />
      <Select label="Font" data={fonts} value={style.fontFamily ?? STYLE_DEFAULTS.fontFamily} onChange={(fontFamily) => fontFamily && actions.updateStyle({ fontFamily })} allowDeselect={false} readOnly={readOnly} />
      <ColourField label="Text colour" value={style.textColor} onChange={(textColor, key) => actions.updateStyle({ textColor }, key)} readOnly={readOnly} id="style:text" />
      <ColourField label="Link colour" value={style.linkColor} onChange={(linkColor, key) => actions.updateStyle({ linkColor }, key)} readOnly={readOnly} id="style:link" />
      {readOnly && <Alert color="gray">This design can no longer be changed.</Alert>}
    </Stack>
  );
}
