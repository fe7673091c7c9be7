/**
 * A page holding only the designer, for the frame-rate bench (bench/designer.ts): the design
 * has `?blocks=` blocks (30 by default). The API it calls, when served with one, is the real one (serve.ts).
 */
import '@mantine/core/styles.css';
import { Container, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Designer, type Design } from '../Designer';
import { sampleDesign } from './sample';

const blocks = Number(new URLSearchParams(location.search).get('blocks') ?? 30);
/** A design of its own: `#design=` and the JSON, URI-encoded (the designer's Chromium tests). */
const given = location.hash.startsWith('#design=') ? (JSON.parse(decodeURIComponent(location.hash.slice('#design='.length))) as Design) : undefined;

function Page() {
  const [design, setDesign] = useState(() => given ?? sampleDesign(blocks));
  // What the page holds, for tests to read.
  (window as unknown as { designerValue: Design }).designerValue = design;
  return (
    <Container size={1400} py="md">
      <Designer value={design} onChange={setDesign} />
    </Container>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } })}>
        <Page />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
