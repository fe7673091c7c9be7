/** SMS_SEND_WINDOW's syntax: read once at start (config.ts) and by the sender (delivery/sms/window.ts). */

export interface SendWindow {
  /** 0 = Sunday … 6 = Saturday */
  days: Set<number>;
  /** Minutes after local midnight; the window is [start, end). */
  start: number;
  end: number;
  timeZone: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseDay(name: string, text: string): number {
  const day = DAY_NAMES.indexOf(name.toLowerCase());
  if (day < 0) throw new Error(`SMS send window "${text}": "${name}" is not a day (Mon, Tue, … Sun)`);
  return day;
}

function parseTime(value: string, text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || minutes > 24 * 60) throw new Error(`SMS send window "${text}": "${value}" is not a time (HH:MM)`);
  return minutes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** `Mon-Sat 08:00-20:00 Europe/Paris`, days also as lists (`Mon-Fri,Sun`); null for `always`. */
export function parseSendWindow(text: string): SendWindow | null {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'always') return null;
  const match = /^([A-Za-z,-]+)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s+(\S+)$/.exec(trimmed);
  if (!match) throw new Error(`SMS send window "${text}" must look like "Mon-Sat 08:00-20:00 Europe/Paris" or be "always"`);
  const [, dayText, startText, endText, timeZone] = match as unknown as [string, string, string, string, string];
  const days = new Set<number>();
  for (const range of dayText.split(',')) {
    const [from, to = from] = range.split('-');
    const first = parseDay(from ?? '', text);
    const last = parseDay(to, text);
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  const start = parseTime(startText, text);
  const end = parseTime(endText, text);
  if (end <= start) throw new Error(`SMS send window "${text}": the end must come after the start`);
  try {
    formatter(timeZone);
  } catch {
    throw new Error(`SMS send window "${text}": "${timeZone}" is not a time zone`);
  }
  return { days, start, end, timeZone };
}
