// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../test/render';
import type { ImportStatus } from '../types';
import { ImportProgress } from './ImportPage';

const status = (changes: Partial<ImportStatus>): ImportStatus => ({
  id: 7,
  listId: 1,
  filename: 'mailchimp.csv',
  status: 'running',
  total: 0,
  processed: 0,
  imported: 0,
  updated: 0,
  skipped: 0,
  errors: [],
  errorsTruncated: false,
  columns: [],
  encoding: 'utf-8',
  defaultCountry: null,
  failure: null,
  createdAt: '2026-12-01T23:47:00.000Z',
  finishedAt: null,
  ...changes,
});

const show = (s: ImportStatus) =>
  renderInApp(
    <MemoryRouter>
      <ImportProgress status={s} error={null} />
    </MemoryRouter>,
  );

describe('the import progress', () => {
  it('never says "0 of 0": until the rows are counted it is reading the file', () => {
    for (const s of [status({ status: 'queued' }), status({ status: 'running', total: 0 })]) {
      const { unmount } = show(s);
      expect(screen.getByRole('status').textContent).toBe('Reading the file…');
      unmount();
    }
    show(status({ total: 20_000, processed: 4_000 }));
    expect(screen.getByRole('status').textContent).toBe('Importing… 4,000 of 20,000 rows');
  });

  it('shows each problem with its column and value, what became of the row, and the report to download', () => {
    show(
      status({
        status: 'done',
        total: 3,
        processed: 3,
        imported: 2,
        skipped: 1,
        defaultCountry: 'FR',
        finishedAt: '2026-12-01T23:48:00.000Z',
        errors: [
          { row: 2, message: 'column "Phone Number": not a valid phone number', column: 'Phone Number', value: '+44 7700 900123', skipped: false },
          { row: 4, message: 'needs an email or a phone', column: null, value: null, skipped: true },
        ],
      }),
    );
    const rows = within(screen.getByRole('table', { name: 'Problems in the file' })).getAllByRole('row');
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      ['Row', 'Column', 'Value', 'Problem', 'What happened'],
      ['2', 'Phone Number', '+44 7700 900123', 'not a valid phone number', 'Imported without this value'],
      ['4', '—', '—', 'needs an email or a phone', 'Row skipped'],
    ]);
    expect(screen.getByText(/1 row was skipped: no valid email or phone left\. 1 value was left out of contacts that were imported\. Phone numbers without \+ were read as numbers of France\./)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download the report (CSV)' }).getAttribute('href')).toBe('/api/imports/7/report');
  });
});
