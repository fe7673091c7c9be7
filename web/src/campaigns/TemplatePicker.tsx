import { Alert, Badge, Box, Card, Group, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { api, get } from '../api';
import { Loading } from '../components/common';
import type { Design } from '../../../src/designs/schema.js';
import type { Template } from '../../../src/templates/schemas.js';
import { useMerged } from './EmailPreview';

/** What a user starts an email from. */
export type TemplateChoice = { kind: 'blank' } | { kind: 'html' } | { kind: 'template'; template: Template };

export const BLANK_DESIGN: Design = { version: 1, rows: [] };

/** GET /api/templates: the built-in starters first (ids "starter-<key>"), then the workspace's saved templates. */
export const useTemplates = () => useQuery({ queryKey: ['/api/templates'], queryFn: () => get<{ items: Template[] }>('/api/templates') });

/** The email is drawn at its own width, then scaled down to the card's. */
const EMAIL_WIDTH = 600;
const THUMB_HEIGHT = 170;

/** A picture of the email, merged with the sample contact; it runs nothing and takes no focus. */
function Thumbnail({ html, width }: { html: string; width: number }) {
  const { output } = useMerged(html);
  const scale = width > 0 ? Math.min(1, width / EMAIL_WIDTH) : 0.36;
  return (
    <iframe
      title="Template preview"
      aria-hidden="true"
      tabIndex={-1}
      sandbox=""
      loading="lazy"
      srcDoc={output}
      style={{
        width: EMAIL_WIDTH,
        height: THUMB_HEIGHT / scale,
        border: 0,
        transform: `scale(${scale})`,
        transformOrigin: 'top left',
        pointerEvents: 'none',
        background: 'white',
      }}
    />
  );
}

/** A saved template's html as is; a design compiled by the server (the same output a send uses). */
function TemplateThumbnail({ template, width }: { template: Template; width: number }) {
  const compiled = useQuery({
    queryKey: ['design-preview', template.id, template.updatedAt],
    queryFn: () => api<{ html: string }>('POST', '/api/designs/compile', { design: template.design }),
    enabled: !!template.design,
    staleTime: Infinity,
  });
  const html = template.design ? compiled.data?.html : template.html;
  return html ? <Thumbnail html={html} width={width} /> : null;
}

function Placeholder({ children }: { children: ReactNode }) {
  return (
    <Group justify="center" h="100%">
      <Text size="xl" c="dimmed" ff="monospace">
        {children}
      </Text>
    </Group>
  );
}

/** One card: the whole card is the button, named after the template and described by its description. */
function Choice({ name, description, badge, preview, onPick }: { name: string; description?: string | null; badge?: string; preview: (width: number) => ReactNode; onPick: () => void }) {
  const descriptionId = useId();
  const { ref, width } = useElementSize();
  return (
    <Card withBorder padding="xs" pos="relative" style={{ overflow: 'hidden' }}>
      <Card.Section>
        <Box ref={ref} h={THUMB_HEIGHT} bg="gray.0" style={{ overflow: 'hidden' }}>
          {preview(width)}
        </Box>
      </Card.Section>
      <Group justify="space-between" mt="xs" wrap="nowrap" gap="xs">
        <Text fw={600} size="sm" truncate>
          {name}
        </Text>
        {badge && (
          <Badge size="xs" variant="light" color="gray">
            {badge}
          </Badge>
        )}
      </Group>
      {description && (
        <Text id={descriptionId} size="xs" c="dimmed" lineClamp={2}>
          {description}
        </Text>
      )}
      {/* Over the whole card, so that a click anywhere picks it and the keyboard reaches it once. */}
      <UnstyledButton aria-label={name} aria-describedby={description ? descriptionId : undefined} onClick={onPick} pos="absolute" inset={0} style={{ borderRadius: 'inherit' }} />
    </Card>
  );
}

/**
 * "Start from a template": a blank design, hand-written HTML, the built-in starters and the
 * workspace's saved templates. `designsOnly` leaves out what is not a design (switching to the Designer).
 */
export function TemplatePicker({ onPick, designsOnly = false, title = 'Start from a template' }: { onPick: (choice: TemplateChoice) => void; designsOnly?: boolean; title?: string }) {
  const templates = useTemplates();
  const items = (templates.data?.items ?? []).filter((t) => !designsOnly || t.design);
  const headingId = useId();
  return (
    <Stack gap="sm" role="region" aria-labelledby={headingId}>
      <Title order={3} size="h4" id={headingId}>
        {title}
      </Title>
      {templates.error && (
        <Alert color="orange" role="alert">
          The templates could not be loaded ({templates.error.message}); a blank design{designsOnly ? '' : ' or hand-written HTML'} still works.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, md: 3, xl: 4 }} spacing="sm">
        <Choice name="Blank design" description="An empty canvas: drag blocks onto it." preview={() => <Placeholder>+</Placeholder>} onPick={() => onPick({ kind: 'blank' })} />
        {!designsOnly && <Choice name="Write HTML" description="Paste or write the email's HTML by hand." preview={() => <Placeholder>{'</>'}</Placeholder>} onPick={() => onPick({ kind: 'html' })} />}
        {items.map((template) => (
          <Choice
            key={String(template.id)}
            name={template.name}
            description={template.description}
            badge={template.kind === 'saved' ? (template.design ? 'Saved' : 'Saved · HTML') : undefined}
            preview={(width) => <TemplateThumbnail template={template} width={width} />}
            onPick={() => onPick({ kind: 'template', template })}
          />
        ))}
      </SimpleGrid>
      {templates.isLoading && <Loading label="Loading templates" />}
    </Stack>
  );
}
