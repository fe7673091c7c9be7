import { describe, expect, it } from 'vitest';
import { parseSendWindow } from '../../settings/sendWindow.js';
import { easterSunday, frenchPublicHolidays, nextSendOpening, smsSendHold } from './window.js';

const DEFAULT = 'Mon-Sat 08:00-20:00 Europe/Paris';
const at = (iso: string) => Date.parse(iso);

describe('legal SMS send window', () => {
  it('computes Easter and the French holidays that depend on it', () => {
    expect(easterSunday(2024)).toEqual([3, 31]);
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2038)).toEqual([4, 25]);
    const h2025 = frenchPublicHolidays(2025);
    for (const day of ['4-21', '5-29', '6-9', '1-1', '5-1', '5-8', '7-14', '8-15', '11-1', '11-11', '12-25']) expect(h2025.has(day)).toBe(true);
    expect(h2025.has('4-20')).toBe(false);
    expect(h2025.size).toBe(11);
  });

  it.each([
    ['inside: Tuesday 10:00 Paris (summer time)', '2025-06-10T08:00:00Z', '2025-06-10T08:00:00Z'],
    ['inside: Saturday 19:59 Paris', '2025-06-14T17:59:00Z', '2025-06-14T17:59:00Z'],
    ['early morning: waits for 08:00 the same day', '2025-06-10T04:30:00Z', '2025-06-10T06:00:00Z'],
    ['evening at 20:00 sharp: next morning', '2025-06-10T18:00:00Z', '2025-06-11T06:00:00Z'],
    ['Saturday evening: skips Sunday to Monday', '2025-06-14T19:00:00Z', '2025-06-16T06:00:00Z'],
    ['Sunday noon: Monday', '2025-06-15T10:00:00Z', '2025-06-16T06:00:00Z'],
    ['winter time: 08:00 Paris is 07:00 UTC', '2025-01-14T05:00:00Z', '2025-01-14T07:00:00Z'],
    ['New Year: the 1st is a holiday', '2025-01-01T10:00:00Z', '2025-01-02T07:00:00Z'],
    ['Easter Monday 2025', '2025-04-21T09:00:00Z', '2025-04-22T06:00:00Z'],
    ['Ascension Thursday 2025', '2025-05-29T09:00:00Z', '2025-05-30T06:00:00Z'],
    ['Saturday 7 June then Sunday then Whit Monday 2025', '2025-06-07T19:00:00Z', '2025-06-10T06:00:00Z'],
    ['Thursday 1 May then Friday 2 May', '2025-04-30T19:00:00Z', '2025-05-02T06:00:00Z'],
    ['14 July on a Monday, Sunday before', '2025-07-13T10:00:00Z', '2025-07-15T06:00:00Z'],
    ['daylight saving starts overnight (30 March 2025 is a Sunday)', '2025-03-29T20:00:00Z', '2025-03-31T06:00:00Z'],
    ['daylight saving ends: Monday 27 October 2025 opens at 07:00 UTC', '2025-10-25T19:00:00Z', '2025-10-27T07:00:00Z'],
  ])('%s', (_name, now, expected) => {
    expect(new Date(nextSendOpening(DEFAULT, at(now))).toISOString()).toBe(new Date(at(expected)).toISOString());
  });

  it('supports other days, hours and zones, and "always"', () => {
    expect(nextSendOpening('always', 123)).toBe(123);
    expect(nextSendOpening('Mon-Fri,Sun 09:30-18:00 America/New_York', at('2025-06-14T15:00:00Z'))).toBe(at('2025-06-15T13:30:00Z'));
    expect(nextSendOpening('Sat-Mon 10:00-12:00 UTC', at('2025-06-10T11:00:00Z'))).toBe(at('2025-06-14T10:00:00Z'));
  });

  it('rejects windows that do not parse, naming the problem', () => {
    expect(() => parseSendWindow('Mon-Sat 8-20 Europe/Paris')).toThrow(/must look like/);
    expect(() => parseSendWindow('Mon-Sam 08:00-20:00 Europe/Paris')).toThrow(/"Sam" is not a day/);
    expect(() => parseSendWindow('Mon-Sat 20:00-08:00 Europe/Paris')).toThrow(/end must come after/);
    expect(() => parseSendWindow('Mon-Sat 08:00-20:00 Mars/Olympus')).toThrow(/not a time zone/);
    expect(() => parseSendWindow('Mon-Sat 08:61-20:00 Europe/Paris')).toThrow(/not a time/);
  });

  it('tells the sender how long to hold and why', () => {
    expect(smsSendHold(DEFAULT, at('2025-06-10T08:00:00Z'))).toBeUndefined();
    expect(smsSendHold(DEFAULT, at('2025-06-15T10:00:00Z'))).toEqual({
      until: at('2025-06-16T06:00:00Z'),
      reason: `Outside the SMS send window (${DEFAULT}): waiting until 2025-06-16T06:00:00.000Z`,
    });
  });
});
