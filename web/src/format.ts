const numberFormat = new Intl.NumberFormat('en');
const percentFormat = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });

export const formatNumber = (n: number | null | undefined) => (n == null ? '—' : numberFormat.format(n));
/** "1 recipient", "3 recipients", "1,200 contacts". */
export const countOf = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;
export const formatPercent = (fraction: number | null | undefined) => (fraction == null || Number.isNaN(fraction) ? '—' : percentFormat.format(fraction));
const shortDateFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export const formatDate = (iso: string | null | undefined) => (iso ? dateFormat.format(new Date(iso)) : '—');
/** For narrow table cells: no year. */
export const formatShortDate = (iso: string | null | undefined) => (iso ? shortDateFormat.format(new Date(iso)) : '—');
export const fullName = (c: { firstName: string | null; lastName: string | null }) => [c.firstName, c.lastName].filter(Boolean).join(' ');

/** An ISO date as the value of an <input type="datetime-local"> in the browser's time zone, and back. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
export const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);
