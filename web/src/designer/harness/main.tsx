/**
 * A page holding only the designer, for the frame-rate bench (bench/designer.ts): the design
 * has `?blocks=` blocks (30 by default). The API it calls is the real one, behind the bench's server.
 */
import '@mantine/core/styles.css';
import { Container, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Designer } from '../Designer';
import { sampleDesign } from './sample';

const blocks = Number(new URLSearchParams(location.search).get('blocks') ?? 30);

function Page() {
  const [design, setDesign] = useState(() => sampleDesign(blocks));
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
