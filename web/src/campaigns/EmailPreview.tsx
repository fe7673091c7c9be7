import { Alert, Box, Stack } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { Liquid } from 'liquidjs';
import { useMemo } from 'react';

const liquid = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, templates: {} });

/** The data merge tags are filled with in a preview: a real contact of the audience when there is one. */
export interface MergeContact {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  fields: Record<string, unknown>;
}

export const SAMPLE_CONTACT: MergeContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+33612345678', fields: {} };

/** The template merged with a contact (the sample one by default); the raw text and the error when it does not parse. */
export function useMerged(template: string, engine: Liquid = liquid, contact: MergeContact = SAMPLE_CONTACT): { output: string; error?: string } {
  return useMemo(() => {
    try {
      const output = engine.parseAndRenderSync(template, { contact, unsubscribe_url: '#unsubscribe', view_online_url: '#view-online' }) as string;
      return { output };
    } catch (e) {
      return { output: template, error: e instanceof Error ? e.message : String(e) };
    }
  }, [template, engine, contact]);
}

/** Emails are written for 600 px or so; the frame is at least this wide so that nothing is cut at the right. */
export const EMAIL_WIDTH = 640;

/**
 * Finished HTML in an iframe with an empty sandbox: no script in the email can run, reach
 * the app's cookies or navigate the page, and no image it loads is a tracked pixel (the
 * app only shows untracked HTML). The email is laid out at EMAIL_WIDTH at least and scaled
 * down to fit a narrower box, so it is always seen whole.
 */
export function PreviewFrame({ html, title, height = 560 }: { html: string; title: string; height?: number }) {
  const { ref, width } = useElementSize();
  const scale = width > 0 && width < EMAIL_WIDTH ? width / EMAIL_WIDTH : 1;
  return (
    <Box ref={ref} style={{ height: height * scale, overflow: 'hidden' }}>
      <iframe
        title={title}
        sandbox=""
        srcDoc={html}
        className="preview-frame"
        style={{ height, width: scale < 1 ? EMAIL_WIDTH : '100%', transform: scale < 1 ? `scale(${scale})` : undefined, transformOrigin: '0 0' }}
      />
    </Box>
  );
}

/** The email as a recipient sees it, merged with `contact`. */
export function EmailPreview({ html, title = 'Email preview', height = 560, contact }: { html: string; title?: string; height?: number; contact?: MergeContact }) {
  const { output, error } = useMerged(html, liquid, contact);
  return (
    <Stack gap="xs">
      {error && (
        <Alert color="orange" title="The template does not parse yet">
          {error}
        </Alert>
      )}
      <PreviewFrame html={output} title={title} height={height} />
    </Stack>
  );
}
