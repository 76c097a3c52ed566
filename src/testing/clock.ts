// fakeClock: a manual clock for tests. `now` is a closure, so the
// store may call it unbound (`clock: c.now`). A string without an offset is
// read as UTC, whatever the machine's time zone.

/** A manual clock: time moves only when a test sets or advances it. */
export interface FakeClock {
  /** The current time in epoch milliseconds. Safe to pass unbound (`clock: c.now`). */
  now(): number;
  /** Moves to `time`: epoch milliseconds, or an ISO-8601 string (without an offset: UTC). Throws a TypeError for anything else. */
  set(time: number | string): void;
  /** Moves forward (backward, if negative) by a finite number of milliseconds; throws a TypeError otherwise. */
  advance(milliseconds: number): void;
}

/** 2024-01-01T00:00:00.000Z, the default start. */
export const DEFAULT_FAKE_CLOCK_START = Date.UTC(2024, 0, 1);

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

function toEpoch(time: number | string): number {
  if (typeof time === 'number') {
    if (!Number.isFinite(time)) throw new TypeError('fakeClock: a time must be a finite number of milliseconds');
    return time;
  }
  // Date-only strings are UTC already; date-times without an offset get one.
  const hasTime = /[Tt ]/.test(time);
  const text = hasTime && !HAS_OFFSET.test(time) ? `${time.replace(/[t ]/, 'T')}Z` : time;
  const epoch = Date.parse(text);
  if (Number.isNaN(epoch)) throw new TypeError(`fakeClock: \`${time}\` is not an ISO-8601 time`);
  return epoch;
}

/**
 * A manual clock for `openStore`'s `clock` option or `fixtureStore`'s.
 * @param start - Epoch milliseconds or an ISO-8601 string (without an offset: UTC); default 2024-01-01T00:00:00.000Z.
 * @throws TypeError when `start` is not a finite number or a parseable time.
 */
export function fakeClock(start: number | string = DEFAULT_FAKE_CLOCK_START): FakeClock {
  let current = toEpoch(start);
  return {
    now: () => current,
    set: (time) => {
      current = toEpoch(time);
    },
    advance: (milliseconds) => {
      if (!Number.isFinite(milliseconds)) throw new TypeError('fakeClock: advance takes a finite number of milliseconds');
      current += milliseconds;
    },
  };
}
