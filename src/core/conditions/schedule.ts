// Time-of-access schedules: time-zone validation, per-zone UTC-offset
// tables, the "compatible" resolution of local date-times, and the per-decision
// checks of a dateSchedule and a daysSchedule. The only module that touches luxon.
//
// luxon answers "what is the offset of zone Z at instant t" in ~9 µs (one ICU
// format call). A decision must not pay that, so each zone gets a table of its
// offset transitions, computed lazily one chunk (2^32 ms ≈ 49.7 days) at a time by
// sampling luxon once a day and bisecting to the second where the offset changes.
// After the chunk holding "now" is built, a decision is a few comparisons.

import { IANAZone } from 'luxon';
import { invalid } from '../errors.js';

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
const MAX_DATE_MS = 8.64e15;

// Chunk size: a power of two so the chunk of t is one division.
const CHUNK_MS = 2 ** 32;
// INVARIANT: sampling once a day finds every transition whose two sides differ.
// It can miss only a pair of transitions that returns to the same offset within
// one step; in the tz database since 1900 such pairs are at least ~4 days apart
// (Africa/Freetown 1939: 3.99 days; since 1970: 6.96 days — America/Noronha 2000),
// and sampled chains with three offsets are bisected pair by pair.
const SAMPLE_MS = DAY_MS;

/** The weekday names, Monday first, as a normalised daysSchedule stores them. */
export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
/**
 * A weekday in upper case, as a normalised daysSchedule stores it: `MONDAY` … `SUNDAY`.
 * @useDeclaredType
 */
export type Weekday = (typeof WEEKDAYS)[number];

// ---------------------------------------------------------------- zones

// luxon's check builds an Intl.DateTimeFormat (~100 µs); remember the names that passed.
const knownZones = new Set<string>();
const MAX_KNOWN_ZONES = 4096;

/** True when `name` is a time zone the runtime's database accepts (IANA names and links). */
export function isValidTimeZone(name: string): boolean {
  if (knownZones.has(name)) return true;
  if (name === '' || !IANAZone.isValidZone(name)) return false;
  if (knownZones.size < MAX_KNOWN_ZONES) knownZones.add(name);
  return true;
}

/** Offsets of one zone over one chunk [start, end): offsets[i] holds before transitions[i]. */
interface ZoneChunk {
  readonly start: number;
  readonly end: number;
  /** Instants (ms, whole seconds) where a new offset starts, ascending. */
  readonly transitions: Float64Array;
  /** offsets.length = transitions.length + 1; offsets in ms (local = utc + offset). */
  readonly offsets: Float64Array;
}

/** The UTC offsets of one zone, cached by chunk; shared by every schedule in that zone. */
export interface ZoneOffsets {
  readonly name: string;
  /** The offset (ms, local = utc + offset) in force at instant t. No luxon call once t's chunk is built. */
  offsetAt(t: number): number;
}

// The cache lives in a closure, so freezing a compiled condition (immer, deep freezers)
// cannot break it.
function makeZoneOffsets(name: string): ZoneOffsets {
  const zone = IANAZone.create(name);
  const chunks = new Map<number, ZoneChunk>();
  let last: ZoneChunk = { start: 0, end: 0, transitions: new Float64Array(0), offsets: new Float64Array(1) };

  /** luxon's offset at t, in ms (luxon reads t truncated to the second). */
  const sample = (t: number): number => {
    const minutes = zone.offset(Math.min(MAX_DATE_MS, Math.max(-MAX_DATE_MS, t)));
    return Number.isFinite(minutes) ? Math.round(minutes * 60_000) : 0;
  };

  const buildChunk = (start: number, end: number): ZoneChunk => {
    const transitions: number[] = [];
    const offsets: number[] = [sample(start)];
    let previous = start;
    let previousOffset = offsets[0]!;
    for (let t = Math.min(start + SAMPLE_MS, end); ; t = Math.min(t + SAMPLE_MS, end)) {
      const offset = sample(t);
      // Bisect (previous, t] to the second, once per change: A→B→C in one step gives two transitions.
      let from = previous;
      let fromOffset = previousOffset;
      while (fromOffset !== offset) {
        let lo = Math.floor(from / SECOND_MS); // sample(lo) = fromOffset
        let hi = Math.floor(t / SECOND_MS); // sample(hi) ≠ fromOffset
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (sample(mid * SECOND_MS) === fromOffset) lo = mid;
          else hi = mid;
        }
        const at = hi * SECOND_MS;
        const after = sample(at);
        if (at > start && at < end) {
          transitions.push(at);
          offsets.push(after);
        } else if (at <= start) offsets[0] = after;
        from = at;
        fromOffset = after;
      }
      previous = t;
      previousOffset = offset;
      if (t >= end) break;
    }
    return { start, end, transitions: Float64Array.from(transitions), offsets: Float64Array.from(offsets) };
  };

  const chunkOf = (t: number): ZoneChunk => {
    const index = Math.floor(t / CHUNK_MS);
    let chunk = chunks.get(index);
    if (chunk === undefined) {
      chunk = buildChunk(index * CHUNK_MS, (index + 1) * CHUNK_MS);
      chunks.set(index, chunk);
    }
    return chunk;
  };

  return Object.freeze({
    name,
    // O(transitions in the chunk), usually 0–2 comparisons.
    offsetAt(t: number): number {
      let chunk = last;
      if (!(t >= chunk.start && t < chunk.end)) {
        chunk = chunkOf(t);
        last = chunk;
      }
      const transitions = chunk.transitions;
      let i = 0;
      while (i < transitions.length && t >= transitions[i]!) i++;
      return chunk.offsets[i]!;
    },
  });
}

const zones = new Map<string, ZoneOffsets>();

/** The shared offset table of a valid zone name (links share their target's table). */
export function zoneOffsets(name: string): ZoneOffsets {
  let table = zones.get(name);
  if (table === undefined) {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    table = zones.get(canonical) ?? makeZoneOffsets(canonical);
    zones.set(canonical, table);
    // other spellings of a name (case, links) are remembered up to a bound
    if (zones.size < MAX_KNOWN_ZONES) zones.set(name, table);
  }
  return table;
}

// ---------------------------------------------------------------- local date-times

const LOCAL_DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$/;
const TIME_OF_DAY = /^([0-9]{2}):([0-9]{2}):([0-9]{2})$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Seconds since midnight of `HH:mm:ss`, or a sentence saying why not. */
export function parseTimeOfDay(text: string): number | string {
  const m = TIME_OF_DAY.exec(text);
  if (m === null) return `\`${text}\` is not a time of day \`HH:mm:ss\``;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (hour > 23 || minute > 59 || second > 59) return `\`${text}\` is not a time of day (00:00:00–23:59:59)`;
  return hour * 3600 + minute * 60 + second;
}

/**
 * `YYYY-MM-DD HH:mm:ss` as a wall-clock reading in ms "as if the zone were UTC"
 * (years 0001–9999), or a sentence saying why not (`2024-02-30 00:00:00`).
 */
export function parseLocalDateTime(text: string): number | string {
  const m = LOCAL_DATE_TIME.exec(text);
  if (m === null) return `\`${text}\` is not a date-time \`YYYY-MM-DD HH:mm:ss\``;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1) return `\`${text}\`: the year must be 0001 to 9999`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `\`${text}\` is not a calendar date`;
  if (hour > 23 || minute > 59 || second > 59) return `\`${text}\` is not a time of day (00:00:00–23:59:59)`;
  return daysFromCivil(year, month, day) * DAY_MS + (hour * 3600 + minute * 60 + second) * SECOND_MS;
}

/**
 * The instant of wall-clock reading `local` (ms as if UTC) in a zone, by the
 * "compatible" rule (RFC 5545, Temporal; Python's fold=0):
 * - one instant has that reading → it;
 * - two (clocks went back: an overlap) → the earlier;
 * - none (clocks went forward: a gap) → the reading moved forward by the gap,
 *   i.e. read with the offset in force before the gap
 *   (`2024-03-10 02:30:00` America/New_York → 07:30Z; Pacific/Apia's skipped
 *   `2011-12-30 12:00:00` → `2011-12-31 12:00:00` +14 = 2011-12-30T22:00Z).
 * The offsets a day before and a day after bound every real transition.
 */
export function instantOfLocal(zone: ZoneOffsets, local: number): number {
  const before = zone.offsetAt(local - DAY_MS);
  const after = zone.offsetAt(local + DAY_MS);
  const early = local - before;
  const late = local - after;
  const earlyFits = zone.offsetAt(early) === before;
  const lateFits = zone.offsetAt(late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  return local - before;
}

/** Weekday (0 = MONDAY … 6 = SUNDAY) and wall-clock second of day of instant t in a zone. */
export function wallClockOf(zone: ZoneOffsets, t: number): { weekday: number; second: number } {
  const local = t + zone.offsetAt(t);
  const day = Math.floor(local / DAY_MS);
  return { weekday: (((day + 3) % 7) + 7) % 7, second: Math.floor((local - day * DAY_MS) / SECOND_MS) };
}

// ---------------------------------------------------------------- compiled schedules

export interface CompiledDateSchedule {
  readonly zone: ZoneOffsets;
  /** Inclusive bounds, epoch ms, whole seconds. */
  readonly fromMs: number;
  readonly toMs: number;
}

export interface CompiledDaysSchedule {
  readonly zone: ZoneOffsets;
  readonly fromSecond: number;
  readonly toSecond: number;
  /** Bit w set (0 = MONDAY) when weekday w is listed (all seven when the list is empty). */
  readonly dayMask: number;
  /** Bit w set when the weekday before w is listed: owns the after-midnight part of a wrapping window. */
  readonly previousDayMask: number;
}

export interface CompiledSchedule {
  readonly dates: CompiledDateSchedule | null;
  readonly days: CompiledDaysSchedule | null;
}

/** A valid dateSchedule → inclusive instant bounds (may have from > to; the caller rejects it). */
export function compileDateSchedule(fromDate: string, toDate: string, timezone: string): CompiledDateSchedule {
  const zone = zoneOffsets(timezone);
  const from = parseLocalDateTime(fromDate);
  const to = parseLocalDateTime(toDate);
  if (typeof from === 'string') throw invalid('/timeOfAccess/dateSchedule/fromDate', from);
  if (typeof to === 'string') throw invalid('/timeOfAccess/dateSchedule/toDate', to);
  return Object.freeze({ zone, fromMs: instantOfLocal(zone, from), toMs: instantOfLocal(zone, to) });
}

/** Bit mask of upper-case weekday names; empty = every day. */
export function dayMaskOf(days: readonly string[]): number {
  if (days.length === 0) return 0x7f;
  let mask = 0;
  for (const day of days) {
    const index = (WEEKDAYS as readonly string[]).indexOf(day);
    if (index !== -1) mask |= 1 << index;
  }
  return mask;
}

export function compileDaysSchedule(fromTime: string, toTime: string, timezone: string, days: readonly string[]): CompiledDaysSchedule {
  const fromSecond = parseTimeOfDay(fromTime);
  const toSecond = parseTimeOfDay(toTime);
  if (typeof fromSecond === 'string') throw invalid('/timeOfAccess/daysSchedule/fromTime', fromSecond);
  if (typeof toSecond === 'string') throw invalid('/timeOfAccess/daysSchedule/toTime', toSecond);
  const dayMask = dayMaskOf(days);
  // SUNDAY (bit 6) is the day before MONDAY (bit 0): rotate left by one within 7 bits.
  const previousDayMask = ((dayMask << 1) | (dayMask >> 6)) & 0x7f;
  return Object.freeze({ zone: zoneOffsets(timezone), fromSecond, toSecond, dayMask, previousDayMask });
}

/**
 * Whether a schedule holds at `nowMs`. t is truncated to whole seconds.
 * daysSchedule cases, with s the wall-clock second of day and d the local weekday:
 * - from ≤ to: d listed and from ≤ s ≤ to;
 * - from > to (past midnight): (d listed and s ≥ from) or (day before d listed and s ≤ to),
 *   "day before" being the previous weekday even where a local date was skipped (Apia 2011-12-30).
 * O(1) after the zone's chunk for t is built.
 */
export function scheduleHolds(schedule: CompiledSchedule, nowMs: number): boolean {
  const t = Math.floor(nowMs / SECOND_MS) * SECOND_MS;
  const dates = schedule.dates;
  if (dates !== null && (t < dates.fromMs || t > dates.toMs)) return false;
  const days = schedule.days;
  if (days === null) return true;
  const local = t + days.zone.offsetAt(t);
  const day = Math.floor(local / DAY_MS);
  const second = (local - day * DAY_MS) / SECOND_MS;
  const bit = 1 << ((((day + 3) % 7) + 7) % 7);
  if (days.fromSecond <= days.toSecond) {
    return (days.dayMask & bit) !== 0 && second >= days.fromSecond && second <= days.toSecond;
  }
  return ((days.dayMask & bit) !== 0 && second >= days.fromSecond) || ((days.previousDayMask & bit) !== 0 && second <= days.toSecond);
}
