import { Alert, Stack } from '@mantine/core';
import { Liquid } from 'liquidjs';
import { useMemo } from 'react';

const liquid = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, templates: {} });

export const SAMPLE_CONTACT = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+33612345678', fields: {} as Record<string, unknown> };

/** The template merged with a sample contact; the raw text and the error when it does not parse. */
export function useMerged(template: string, engine: Liquid = liquid): { output: string; error?: string } {
  return useMemo(() => {
    try {
      const output = engine.parseAndRenderSync(template, { contact: SAMPLE_CONTACT, unsubscribe_url: '#unsubscribe', view_online_url: '#view-online' }) as string;
      return { output };
    } catch (e) {
      return { output: template, error: e instanceof Error ? e.message : String(e) };
    }
  }, [template, engine]);
}

/**
 * The email as a recipient sees it, in an iframe with an empty sandbox: no script in
 * the email can run, reach the app's cookies or navigate the page.
 */
export function EmailPreview({ html, title = 'Email preview', height = 560 }: { html: string; title?: string; height?: number }) {
  const { output, error } = useMerged(html);
  return (
    <Stack gap="xs">
      {error && (
        <Alert color="orange" title="The template does not parse yet">
          {error}
        </Alert>
      )}
      <iframe title={title} sandbox="" srcDoc={output} className="preview-frame" style={{ height }} />
    </Stack>
  );
}
