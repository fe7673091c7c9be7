/**
 * The legal send window for marketing SMS (SMS_SEND_WINDOW), by default
 * `Mon-Sat 08:00-20:00 Europe/Paris` without French public holidays; `always`
 * turns it off. Pure: time zones come from Intl.
 */
import { formatter, parseSendWindow } from '../../settings/sendWindow.js';

/** Local wall-clock fields of an instant in a time zone. */
function localTime(ms: number, timeZone: string) {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return { year: fields.year!, month: fields.month!, day: fields.day!, hour: fields.hour!, minute: fields.minute!, second: fields.second! };
}

/** Milliseconds by which the zone's wall clock is ahead of UTC at an instant. */
function zoneOffset(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the zone's wall clock shows that date and time. */
function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const guess = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(guess, timeZone);
}

/** Easter Sunday (Gregorian calendar, anonymous algorithm) as [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const holidayCache = new Map<number, Set<string>>();
/** French public holidays of a year as "M-D": eight fixed dates plus Easter Monday, Ascension and Whit Monday. */
export function frenchPublicHolidays(year: number): Set<string> {
  let holidays = holidayCache.get(year);
  if (!holidays) {
    holidays = new Set(['1-1', '5-1', '5-8', '7-14', '8-15', '11-1', '11-11', '12-25']);
    const [month, day] = easterSunday(year);
    for (const offset of [1, 39, 50]) {
      const date = new Date(Date.UTC(year, month - 1, day + offset));
      holidays.add(`${date.getUTCMonth() + 1}-${date.getUTCDate()}`);
    }
    holidayCache.set(year, holidays);
  }
  return holidays;
}

/**
 * The first instant at or after nowMs when SMS may be sent: nowMs itself
 * inside the window (or when the window is `always`), otherwise the next
 * opening. Throws on a window that does not parse.
 */
export function nextSendOpening(window: string, nowMs: number): number {
  const parsed = parseSendWindow(window);
  if (!parsed) return nowMs;
  const today = localTime(nowMs, parsed.timeZone);
  for (let offset = 0; offset <= 366; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (!parsed.days.has(date.getUTCDay()) || frenchPublicHolidays(year).has(`${month}-${day}`)) continue;
    const closing = zonedInstant(year, month, day, parsed.end, parsed.timeZone);
    if (nowMs < closing) return Math.max(nowMs, zonedInstant(year, month, day, parsed.start, parsed.timeZone));
  }
  throw new Error(`SMS send window "${window}" never opens`);
}

/**
 * For the sender: undefined when SMS may go now, otherwise until when to hold
 * an SMS campaign and the status reason to show meanwhile.
 */
export function smsSendHold(window: string, nowMs: number): { until: number; reason: string } | undefined {
  const until = nextSendOpening(window, nowMs);
  if (until <= nowMs) return undefined;
  return { until, reason: `Outside the SMS send window (${window}): waiting until ${new Date(until).toISOString()}` };
}
