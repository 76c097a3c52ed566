// SPEC §7.2 — timeOfAccess: the "compatible" resolution of local times, inclusive bounds,
// truncation to seconds, daysSchedule wall-clock seconds and the midnight wrap.
// Every instant below was worked out by hand and checked with Python's zoneinfo.

import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, parseCondition } from '../../../src/core/conditions/index.js';
import { instantOfLocal, parseLocalDateTime, wallClockOf, zoneOffsets } from '../../../src/core/conditions/schedule.js';

const at = (iso: string): number => Date.parse(iso);

/** The instant a local `YYYY-MM-DD HH:mm:ss` resolves to, as an ISO string. */
function resolve(local: string, zone: string): string {
  const reading = parseLocalDateTime(local);
  if (typeof reading === 'string') throw new Error(reading);
  return new Date(instantOfLocal(zoneOffsets(zone), reading)).toISOString();
}

function dates(fromDate: string, toDate: string, timezone?: string): unknown {
  return { timeOfAccess: { dateSchedule: timezone === undefined ? { fromDate, toDate } : { fromDate, toDate, timezone } } };
}

function days(fromTime: string, toTime: string, timezone: string, list?: string[]): unknown {
  return { timeOfAccess: { daysSchedule: list === undefined ? { fromTime, toTime, timezone } : { fromTime, toTime, timezone, days: list } } };
}

const holds = (condition: unknown, iso: string | number): boolean =>
  evaluateCondition(condition, { now: typeof iso === 'number' ? iso : at(iso) }).satisfied;

describe('§7.2 local date-times resolve by the compatible rule', () => {
  it('a local time in a spring-forward gap moves forward by the gap (America/New_York 02:30 → 07:30Z)', () => {
    expect(resolve('2024-03-10 02:30:00', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
    expect(resolve('2024-03-10 02:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
    expect(resolve('2024-03-10 03:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
  });

  it('a local time that occurs twice means the earlier instant (America/New_York 01:30 EDT, not EST)', () => {
    expect(resolve('2024-11-03 01:30:00', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    expect(resolve('2024-11-03 00:59:59', 'America/New_York')).toBe('2024-11-03T04:59:59.000Z');
    expect(resolve('2024-11-03 02:00:00', 'America/New_York')).toBe('2024-11-03T07:00:00.000Z');
  });

  it('a link names the same zone (US/Eastern behaves as America/New_York)', () => {
    expect(resolve('2024-03-10 02:30:00', 'US/Eastern')).toBe('2024-03-10T07:30:00.000Z');
  });

  it('Europe/Berlin: the gap 02:00–03:00 moves forward, the repeated 02:00–03:00 takes CEST', () => {
    expect(resolve('2024-03-31 02:30:00', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.000Z');
    expect(resolve('2024-10-27 02:30:00', 'Europe/Berlin')).toBe('2024-10-27T00:30:00.000Z');
    expect(resolve('2024-10-27 03:00:00', 'Europe/Berlin')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('Australia/Lord_Howe: a 30-minute overlap and a 30-minute gap', () => {
    // 2024-04-07 02:00 +11 → 01:30 +10:30: 01:45 occurs at 14:45Z and 15:15Z
    expect(resolve('2024-04-07 01:45:00', 'Australia/Lord_Howe')).toBe('2024-04-06T14:45:00.000Z');
    // 2024-10-06 02:00 +10:30 → 02:30 +11: 02:15 does not occur, it is read as 02:45 +11
    expect(resolve('2024-10-06 02:15:00', 'Australia/Lord_Howe')).toBe('2024-10-05T15:45:00.000Z');
  });

  it('America/Santiago: clocks change at midnight, so midnight itself is in the gap', () => {
    // 2024-09-08 00:00 -04 → 01:00 -03 at 04:00Z
    expect(resolve('2024-09-08 00:00:00', 'America/Santiago')).toBe('2024-09-08T04:00:00.000Z');
    expect(resolve('2024-09-08 00:30:00', 'America/Santiago')).toBe('2024-09-08T04:30:00.000Z');
    // 2024-04-07 00:00 -03 → 2024-04-06 23:00 -04: 23:30 occurs twice; the earlier is -03
    expect(resolve('2024-04-06 23:30:00', 'America/Santiago')).toBe('2024-04-07T02:30:00.000Z');
  });

  it('Pacific/Apia: the skipped day 2011-12-30 moves forward by 24 hours', () => {
    expect(resolve('2011-12-30 12:00:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
    expect(resolve('2011-12-30 00:00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(resolve('2011-12-29 23:59:59', 'Pacific/Apia')).toBe('2011-12-30T09:59:59.000Z');
    expect(resolve('2011-12-31 00:00:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
  });

  it('Pacific/Honolulu (the seed zone) has one offset, -10:00', () => {
    expect(resolve('2023-07-31 00:00:00', 'Pacific/Honolulu')).toBe('2023-07-31T10:00:00.000Z');
    expect(resolve('2023-12-15 00:00:00', 'Pacific/Honolulu')).toBe('2023-12-15T10:00:00.000Z');
  });

  it('UTC reads local times as they are; a missing timezone is UTC', () => {
    expect(resolve('2024-02-29 23:59:59', 'UTC')).toBe('2024-02-29T23:59:59.000Z');
    expect(parseCondition(dates('2024-01-01 00:00:00', '2024-01-02 00:00:00'))?.timeOfAccess?.dateSchedule?.timezone).toBe('UTC');
  });

  it('years before 1970 and up to 9999 resolve too', () => {
    expect(resolve('1969-07-20 20:17:40', 'UTC')).toBe('1969-07-20T20:17:40.000Z');
    expect(resolve('9999-12-31 23:59:59', 'Pacific/Honolulu')).toBe('+010000-01-01T09:59:59.000Z');
    expect(resolve('0001-01-01 00:00:00', 'UTC')).toBe('0001-01-01T00:00:00.000Z');
  });
});

describe('§7.2 dateSchedule holds when from ≤ t ≤ to', () => {
  const window = dates('2024-01-01 00:00:00', '2024-01-31 23:59:59', 'UTC');

  it('both bounds are inclusive', () => {
    expect(holds(window, '2024-01-01T00:00:00Z')).toBe(true);
    expect(holds(window, '2024-01-31T23:59:59Z')).toBe(true);
    expect(holds(window, '2023-12-31T23:59:59Z')).toBe(false);
    expect(holds(window, '2024-02-01T00:00:00Z')).toBe(false);
  });

  it('the request time is truncated to whole seconds', () => {
    expect(holds(window, at('2024-01-31T23:59:59Z') + 999)).toBe(true);
    expect(holds(window, at('2024-01-01T00:00:00Z') - 1)).toBe(false);
    expect(holds(dates('2024-01-01 00:00:00', '2024-01-01 00:00:00'), at('2024-01-01T00:00:00Z') + 999)).toBe(true);
  });

  it('New York: a window opening in the gap opens at 07:30Z and one closing in the overlap closes at the earlier 01:30', () => {
    const c = dates('2024-03-10 02:30:00', '2024-11-03 01:30:00', 'America/New_York');
    expect(holds(c, '2024-03-10T07:29:59Z')).toBe(false);
    expect(holds(c, '2024-03-10T07:30:00Z')).toBe(true);
    expect(holds(c, '2024-11-03T05:30:00Z')).toBe(true);
    expect(holds(c, '2024-11-03T05:30:01Z')).toBe(false);
    expect(holds(c, '2024-11-03T06:30:00Z')).toBe(false); // the second 01:30 (EST) is after the end
  });

  it('the seed window (Pacific/Honolulu) runs from 2023-07-31T10:00Z to 2023-12-15T10:00Z', () => {
    const c = dates('2023-07-31 00:00:00', '2023-12-15 00:00:00', 'Pacific/Honolulu');
    expect(holds(c, '2023-07-31T09:59:59Z')).toBe(false);
    expect(holds(c, '2023-07-31T10:00:00Z')).toBe(true);
    expect(holds(c, '2023-12-15T10:00:00Z')).toBe(true);
    expect(holds(c, '2023-12-15T10:00:01Z')).toBe(false);
  });

  it('Apia: a window over the skipped day', () => {
    const c = dates('2011-12-30 06:00:00', '2011-12-31 06:00:00', 'Pacific/Apia');
    // both ends are read forward: 2011-12-30 06:00 → 2011-12-31 06:00 +14 = 2011-12-30T16:00Z
    expect(compileCondition(parseCondition(c)!).schedule?.dates).toMatchObject({ fromMs: at('2011-12-30T16:00:00Z'), toMs: at('2011-12-30T16:00:00Z') });
    expect(holds(c, '2011-12-30T16:00:00Z')).toBe(true);
    expect(holds(c, '2011-12-30T16:00:01Z')).toBe(false);
  });

  it('fromDate after toDate as instants is VALIDATION at toDate, even when the strings are in order (a gap)', () => {
    // 02:30 (gap) → 07:30Z; 03:00 EDT → 07:00Z
    expect(() => parseCondition(dates('2024-03-10 02:30:00', '2024-03-10 03:00:00', 'America/New_York'))).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: [expect.objectContaining({ pointer: '/timeOfAccess/dateSchedule/toDate' })] }),
    );
    expect(() => parseCondition(dates('2024-02-01 00:00:00', '2024-01-01 00:00:00'))).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('§7.2 daysSchedule: wall-clock seconds, weekdays and the midnight wrap', () => {
  it('without a wrap: holds on a listed day between fromTime and toTime, both inclusive', () => {
    const c = days('09:00:00', '17:00:00', 'UTC', ['MONDAY']);
    expect(holds(c, '2024-06-03T09:00:00Z')).toBe(true); // a Monday
    expect(holds(c, '2024-06-03T17:00:00Z')).toBe(true);
    expect(holds(c, at('2024-06-03T17:00:00Z') + 999)).toBe(true);
    expect(holds(c, '2024-06-03T17:00:01Z')).toBe(false);
    expect(holds(c, '2024-06-03T08:59:59Z')).toBe(false);
    expect(holds(c, '2024-06-04T12:00:00Z')).toBe(false); // Tuesday
  });

  it('empty or absent days mean every day', () => {
    for (const c of [days('09:00:00', '17:00:00', 'UTC', []), days('09:00:00', '17:00:00', 'UTC')]) {
      for (let d = 0; d < 7; d++) expect(holds(c, at('2024-06-03T12:00:00Z') + d * 86_400_000)).toBe(true);
    }
  });

  it('days are any case in and upper case out', () => {
    expect(parseCondition(days('09:00:00', '17:00:00', 'UTC', ['monday', 'Friday', 'SUNDAY']))?.timeOfAccess?.daysSchedule?.days).toEqual(['MONDAY', 'FRIDAY', 'SUNDAY']);
    expect(holds(days('09:00:00', '17:00:00', 'UTC', ['monday']), '2024-06-03T12:00:00Z')).toBe(true);
  });

  it('a window past midnight belongs to the day it starts on', () => {
    const c = days('22:00:00', '02:00:00', 'UTC', ['FRIDAY']);
    expect(holds(c, '2024-06-07T22:00:00Z')).toBe(true); // Friday 22:00
    expect(holds(c, '2024-06-08T01:30:00Z')).toBe(true); // Saturday 01:30: Friday's window
    expect(holds(c, '2024-06-08T02:00:00Z')).toBe(true);
    expect(holds(c, '2024-06-08T02:00:01Z')).toBe(false);
    expect(holds(c, '2024-06-07T01:30:00Z')).toBe(false); // Friday 01:30 belongs to Thursday
    expect(holds(c, '2024-06-08T22:30:00Z')).toBe(false); // Saturday evening
  });

  it('SUNDAY is the day before MONDAY for a wrapping window', () => {
    const c = days('23:00:00', '01:00:00', 'UTC', ['SUNDAY']);
    expect(holds(c, '2024-06-10T00:30:00Z')).toBe(true); // Monday 00:30
    expect(holds(c, '2024-06-03T00:30:00Z')).toBe(true);
    expect(holds(c, '2024-06-04T00:30:00Z')).toBe(false); // Tuesday 00:30 belongs to Monday
  });

  it('fromTime equal to toTime holds for that one second', () => {
    const c = days('12:00:00', '12:00:00', 'UTC');
    expect(holds(c, at('2024-06-03T12:00:00Z') + 500)).toBe(true);
    expect(holds(c, '2024-06-03T12:00:01Z')).toBe(false);
  });

  it('New York spring-forward day: s is the wall-clock reading, not the time elapsed since midnight', () => {
    const c = days('03:00:00', '03:59:59', 'America/New_York', ['SUNDAY']);
    // 07:00Z is 03:00 EDT though only two hours have passed since local midnight
    expect(holds(c, '2024-03-10T07:00:00Z')).toBe(true);
    expect(holds(c, '2024-03-10T06:59:59Z')).toBe(false); // 01:59:59 EST
    const early = days('01:00:00', '03:00:00', 'America/New_York', ['SUNDAY']);
    expect(holds(early, '2024-03-10T06:59:59Z')).toBe(true);
    expect(holds(early, '2024-03-10T07:00:00Z')).toBe(true);
    expect(holds(early, '2024-03-10T07:00:01Z')).toBe(false);
  });

  it('New York fall-back day: the repeated 01:00–02:00 holds both times', () => {
    const c = days('01:00:00', '01:59:59', 'America/New_York', ['SUNDAY']);
    expect(holds(c, '2024-11-03T05:30:00Z')).toBe(true); // 01:30 EDT
    expect(holds(c, '2024-11-03T06:30:00Z')).toBe(true); // 01:30 EST
    expect(holds(c, '2024-11-03T07:00:00Z')).toBe(false); // 02:00 EST
  });

  it('Europe/Berlin fall-back: 02:59:59 CEST then 02:00:00 CET', () => {
    const c = days('02:00:00', '02:59:59', 'Europe/Berlin', ['SUNDAY']);
    expect(holds(c, '2024-10-27T00:59:59Z')).toBe(true);
    expect(holds(c, '2024-10-27T01:00:00Z')).toBe(true);
    expect(holds(c, '2024-10-27T01:59:59Z')).toBe(true);
    expect(holds(c, '2024-10-27T02:00:00Z')).toBe(false); // 03:00 CET
  });

  it('Australia/Lord_Howe: after 01:59:59 +11 comes 01:30:00 +10:30', () => {
    const c = days('01:45:00', '01:59:59', 'Australia/Lord_Howe', ['SUNDAY']);
    expect(holds(c, '2024-04-06T14:59:59Z')).toBe(true);
    expect(holds(c, '2024-04-06T15:00:00Z')).toBe(false); // 01:30 again
    expect(holds(c, '2024-04-06T15:15:00Z')).toBe(true); // the second 01:45
  });

  it('America/Santiago: on the day clocks skip midnight, a window at 00:xx never opens', () => {
    const c = days('00:00:00', '00:59:59', 'America/Santiago', ['SUNDAY']);
    expect(holds(c, '2024-09-08T03:59:59Z')).toBe(false); // Saturday 23:59:59 -04
    expect(holds(c, '2024-09-08T04:00:00Z')).toBe(false); // Sunday 01:00:00 -03
    expect(holds(c, '2024-09-15T03:30:00Z')).toBe(true); // a week later, Sunday 00:30 -03
    expect(wallClockOf(zoneOffsets('America/Santiago'), at('2024-09-08T04:00:00Z'))).toEqual({ weekday: 6, second: 3600 });
  });

  it('Pacific/Apia: the day before Saturday 2011-12-31 is FRIDAY, though Friday was skipped', () => {
    const friday = days('22:00:00', '02:00:00', 'Pacific/Apia', ['FRIDAY']);
    const thursday = days('22:00:00', '02:00:00', 'Pacific/Apia', ['THURSDAY']);
    // 10:30Z is Saturday 2011-12-31 00:30 +14; 09:30Z is Thursday 2011-12-29 23:30 -10
    expect(holds(friday, '2011-12-30T10:30:00Z')).toBe(true);
    expect(holds(thursday, '2011-12-30T10:30:00Z')).toBe(false);
    expect(holds(thursday, '2011-12-30T09:30:00Z')).toBe(true);
    expect(wallClockOf(zoneOffsets('Pacific/Apia'), at('2011-12-30T10:00:00Z'))).toEqual({ weekday: 5, second: 0 });
  });

  it('Pacific/Honolulu: the seed days (Monday–Thursday, 01:00–23:30)', () => {
    const c = days('01:00:00', '23:30:00', 'Pacific/Honolulu', ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY']);
    expect(holds(c, '2023-08-01T22:00:00Z')).toBe(true); // Tuesday 12:00 HST
    expect(holds(c, '2023-08-04T22:00:00Z')).toBe(false); // Friday 12:00 HST
    expect(holds(c, '2023-07-31T10:59:59Z')).toBe(false); // Monday 00:59:59
    expect(holds(c, '2023-08-01T09:30:00Z')).toBe(true); // Monday 23:30:00
    expect(holds(c, '2023-08-01T09:30:01Z')).toBe(false);
  });
});

describe('§7.2 both schedules', () => {
  it('both must hold, and a failure is reported as timeOfAccess', () => {
    const c = {
      timeOfAccess: {
        dateSchedule: { fromDate: '2024-06-01 00:00:00', toDate: '2024-06-30 23:59:59', timezone: 'Europe/Berlin' },
        daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'America/New_York', days: ['MONDAY'] },
      },
    };
    expect(evaluateCondition(c, { now: at('2024-06-03T14:00:00Z') })).toEqual({ satisfied: true, failed: [], approvalRequired: false });
    expect(evaluateCondition(c, { now: at('2024-07-01T14:00:00Z') })).toEqual({ satisfied: false, failed: ['timeOfAccess'], approvalRequired: false });
    expect(evaluateCondition(c, { now: at('2024-06-04T14:00:00Z') }).failed).toEqual(['timeOfAccess']);
  });
});

describe('§7.2 zone tables are computed once', () => {
  it('a link and its target share one offset table', () => {
    expect(zoneOffsets('US/Eastern')).toBe(zoneOffsets('America/New_York'));
  });

  it('the offset at an instant is the offset luxon reports, across a transition', () => {
    const ny = zoneOffsets('America/New_York');
    expect(ny.offsetAt(at('2024-03-10T06:59:59Z'))).toBe(-5 * 3_600_000);
    expect(ny.offsetAt(at('2024-03-10T07:00:00Z'))).toBe(-4 * 3_600_000);
    expect(zoneOffsets('Asia/Kathmandu').offsetAt(at('2024-01-01T00:00:00Z'))).toBe(5.75 * 3_600_000);
  });
});
