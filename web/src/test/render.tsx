import { MantineProvider } from '@mantine/core';
import { cleanup, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';

afterEach(cleanup);

/** Renders a component the way the app does (inside Mantine's provider). */
export const renderInApp = (ui: ReactElement) => render(<MantineProvider>{ui}</MantineProvider>);
