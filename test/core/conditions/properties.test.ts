// Seeded property tests: the compiled forms (numeric IP ranges, per-zone offset tables,
// resolved schedules) against direct, uncompiled answers from ipaddr.js and luxon.
// The Python oracle (oracle.test.ts) is the independent check; these widen the inputs.

import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCondition, conditionHolds, parseClientAddress, parseCondition } from '../../../src/core/conditions/index.js';
import { compileIpList, ipListContains } from '../../../src/core/conditions/ip.js';
import { instantOfLocal, parseLocalDateTime, zoneOffsets, WEEKDAYS } from '../../../src/core/conditions/schedule.js';

const SEED = 20_240_607;
const DAY = 86_400_000;
function run<T>(property: fc.IProperty<T>, numRuns: number): void {
  fc.assert(property, { seed: SEED, numRuns });
}

const ALL_ZONES = Intl.supportedValuesOf('timeZone');
const TEST_ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
  'Pacific/Apia',
  'Pacific/Honolulu',
  'UTC',
  'Africa/Casablanca',
  'Asia/Tehran',
  'America/St_Johns',
  'Pacific/Chatham',
  'Antarctica/Troll',
  'Europe/Dublin',
];

const v4Text = (x: number): string => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
const v6Text = (w: readonly number[]): string => w.flatMap((x) => [(x >>> 16).toString(16), (x & 0xffff).toString(16)]).join(':');

describe('property: compiled IP lists answer as ipaddr.js matching does', () => {
  it('IPv4 lists of up to 12 CIDRs', () => {
    const network = fc.record({ base: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: 0, max: 32 }) });
    run(
      fc.property(fc.array(network, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }), (nets, noise) => {
        const list = compileIpList(nets.map((n) => `${v4Text(n.base)}/${n.prefix}`).join(', '));
        // clients near every network edge, plus noise
        const clients = nets.flatMap((n) => [n.base, (n.base ^ 1) >>> 0, (n.base + 2 ** (32 - n.prefix)) % 2 ** 32]).concat(noise);
        for (const c of clients) {
          const expected = nets.some((n) => ipaddr.IPv4.parse(v4Text(c)).match(ipaddr.IPv4.parse(v4Text(n.base)), n.prefix));
          expect(ipListContains(list, parseClientAddress(v4Text(c))!)).toBe(expected);
        }
      }),
      300,
    );
  });

  it('IPv6 lists of up to 12 CIDRs sharing prefixes', () => {
    const word = fc.constantFrom(0, 1, 0x20010db8, 0xffffffff, 0x80000000, 0x7fffffff);
    const words = fc.tuple(word, word, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }));
    const network = fc.record({ words, prefix: fc.integer({ min: 0, max: 128 }) });
    run(
      fc.property(fc.array(network, { minLength: 1, maxLength: 12 }), fc.array(words, { maxLength: 8 }), (nets, noise) => {
        const usable = nets.filter((n) => !(n.words[0] === 0 && n.words[1] === 0 && (n.words[2] >>> 16) === 0 && (n.words[2] & 0xffff) === 0xffff));
        fc.pre(usable.length > 0);
        const list = compileIpList(usable.map((n) => `${v6Text(n.words)}/${n.prefix}`).join(','));
        const clients = usable.map((n) => n.words as readonly number[]).concat(noise);
        for (const c of clients) {
          const client = parseClientAddress(v6Text(c));
          if (client === null || client.version === 4) continue;
          const address = ipaddr.IPv6.parse(v6Text(c));
          const expected = usable.some((n) => address.match(ipaddr.IPv6.parse(v6Text(n.words)), n.prefix));
          expect(ipListContains(list, client)).toBe(expected);
        }
      }),
      300,
    );
  });
});

describe('property: per-zone offset tables equal luxon, in every zone the runtime knows', () => {
  it('offsetAt(t) is luxon’s offset for random zones and instants 1900–2100', () => {
    run(
      fc.property(fc.constantFrom(...ALL_ZONES), fc.integer({ min: -2_208_988_800, max: 4_102_444_800 }), (zone, seconds) => {
        const t = seconds * 1000;
        expect(zoneOffsets(zone).offsetAt(t)).toBe(Math.round(IANAZone.create(zone).offset(t) * 60_000));
      }),
      600,
    );
  });

  it('offsetAt(t) is luxon’s offset within two days of a transition (to the second)', () => {
    run(
      fc.property(fc.constantFrom(...TEST_ZONES), fc.integer({ min: 1_000_000_000, max: 1_800_000_000 }), fc.integer({ min: 0, max: 2 * 86_400 }), (zone, seconds, step) => {
        const table = zoneOffsets(zone);
        const luxon = IANAZone.create(zone);
        // scan forward from a random instant to the next change and check both sides of it
        const start = seconds * 1000;
        for (let t = start; t <= start + 2 * DAY; t += 3_600_000) {
          if (table.offsetAt(t) !== table.offsetAt(start)) {
            for (const probe of [t - 3_600_000 + step * 1000, t - 1000, t]) {
              expect(table.offsetAt(probe)).toBe(Math.round(luxon.offset(probe) * 60_000));
            }
            break;
          }
        }
      }),
      400,
    );
  });
});

describe('property: schedules answer as a direct luxon evaluation does', () => {
  const time = fc.integer({ min: 0, max: 86_399 });
  const hms = (s: number): string => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((x) => String(x).padStart(2, '0')).join(':');

  it('daysSchedule: weekday and wall-clock seconds from luxon, the wrap owned by the start day', () => {
    run(
      fc.property(
        fc.constantFrom(...TEST_ZONES),
        time,
        time,
        fc.subarray([...WEEKDAYS]),
        fc.integer({ min: 0, max: 2_100_000_000 }),
        (zone, from, to, days, seconds) => {
          const compiled = compileCondition(parseCondition({ timeOfAccess: { daysSchedule: { fromTime: hms(from), toTime: hms(to), timezone: zone, days } } })!);
          const t = seconds * 1000 + 999;
          const local = DateTime.fromMillis(seconds * 1000, { zone });
          const s = local.hour * 3600 + local.minute * 60 + local.second;
          const listed = (w: number): boolean => days.length === 0 || days.includes(WEEKDAYS[(w + 7) % 7]!);
          const d = local.weekday - 1; // luxon: 1 = Monday
          const expected = from <= to ? listed(d) && from <= s && s <= to : (listed(d) && s >= from) || (listed(d - 1) && s <= to);
          expect(conditionHolds(compiled, null, t, false)).toBe(expected);
        },
      ),
      800,
    );
  });

  it('dateSchedule bounds: the compatible instant of a local reading', () => {
    const reading = fc.record({
      year: fc.integer({ min: 1970, max: 2037 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      second: time,
    });
    run(
      fc.property(fc.constantFrom(...TEST_ZONES), reading, (zone, r) => {
        const text = `${String(r.year).padStart(4, '0')}-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')} ${hms(r.second)}`;
        const local = parseLocalDateTime(text) as number;
        const t = instantOfLocal(zoneOffsets(zone), local);
        // luxon, asked directly: the instants whose wall clock reads `text`
        const luxon = IANAZone.create(zone);
        const offsets = new Set<number>();
        for (let probe = local - 2 * DAY; probe <= local + 2 * DAY; probe += 3_600_000) offsets.add(Math.round(luxon.offset(probe) * 60_000));
        const matches = [...offsets].map((o) => local - o).filter((c) => Math.round(luxon.offset(c) * 60_000) === local - c);
        if (matches.length > 0) expect(t).toBe(Math.min(...matches));
        else {
          // a gap: read with the offset in force just before it, so the result is after the gap
          const before = Math.round(luxon.offset(local - DAY) * 60_000);
          expect(t).toBe(local - before);
          expect(Math.round(luxon.offset(t) * 60_000)).not.toBe(before);
        }
      }),
      600,
    );
  });
});

describe('property: normalisation is idempotent', () => {
  it('parse(stringify(parse(x))) equals parse(x)', () => {
    const zone = fc.constantFrom(...TEST_ZONES, undefined);
    const time = fc.integer({ min: 0, max: 86_399 }).map((s) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((x) => String(x).padStart(2, '0')).join(':'));
    const days = fc.subarray([...WEEKDAYS]).chain((list) => fc.tuple(...list.map((d) => fc.constantFrom(d, d.toLowerCase()))));
    const condition = fc.record(
      {
        ipAddress: fc.constantFrom(null, '', '10.0.0.0/8', ' ::1 , 10.1.2.3/32', '::ffff:10.0.0.0/104'),
        timeOfAccess: fc.option(fc.record({ daysSchedule: fc.record({ fromTime: time, toTime: time, timezone: zone, days }) }), { nil: null }),
        approval: fc.option(
          fc.record({
            approvers: fc.record({ userIds: fc.array(fc.string({ minLength: 1 })), tags: fc.array(fc.string({ minLength: 1 })) }, { requiredKeys: [] }),
            validFor: fc.integer({ min: 1, max: 10_000 }),
            isValidForInDays: fc.boolean(),
            timeToApprove: fc.integer({ min: 1, max: 10_000 }),
            notificationMedium: fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.string({ minLength: 1 }), { minLength: 1 })),
          }),
          { nil: null },
        ),
      },
      { requiredKeys: [] },
    );
    run(
      fc.property(condition, (raw) => {
        const clean = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        const once = parseCondition(clean);
        expect(parseCondition(JSON.stringify(once))).toEqual(once);
        if (once !== null) expect(Object.keys(once)).toEqual(['ipAddress', 'timeOfAccess', 'approval']);
      }),
      300,
    );
  });
});
