// SPEC §7 / §7.3 / §7.4 — parsing and normalising a condition, every problem with its
// JSON pointer, the approval block, the seed's examples, and evaluateCondition.

import { describe, expect, it } from 'vitest';
import {
  MAX_MINUTES,
  MAX_VALID_FOR_DAYS,
  compileCondition,
  conditionHolds,
  evaluateCondition,
  failedParts,
  parseClientAddress,
  parseCondition,
} from '../../../src/core/conditions/index.js';
import { CofferError } from '../../../src/core/errors.js';
import { SEED_CONDITION_STRING as SEED_STRING, SEED_CREATE_RESPONSE_CONDITION } from '../../support/seed.js';

/** The VALIDATION details a call throws (fails the test when it does not throw one). */
function detailsOf(call: () => unknown): { pointer: string; message: string }[] {
  try {
    call();
  } catch (error) {
    if (error instanceof CofferError && error.code === 'VALIDATION') {
      expect(error.status).toBe(400);
      expect(error.details?.length).toBeGreaterThan(0);
      return [...(error.details ?? [])];
    }
    throw error;
  }
  throw new Error('no VALIDATION was thrown');
}
const pointersOf = (call: () => unknown): string[] => detailsOf(call).map((d) => d.pointer);

const approval = {
  approvers: { userIds: ['boss'] },
  validFor: 30,
  isValidForInDays: false,
  timeToApprove: 60,
  notificationMedium: 'chan-1',
};

// ---------------------------------------------------------------- the seed's examples (policy-admin API)

const SEED_CREATE = {
  approval: {
    notificationMedium: '12051835-cdf3-494b-a07e-923cb945b97b',
    timeToApprove: 300,
    validFor: 300,
    isValidForInDays: true,
    approvers: { userIds: ['CCy1O21HXuzSNzCp8vWI'] },
  },
};
const SEED_GET = {
  ipAddress: '10.1.1.167',
  approval: {
    approvers: { userIds: ['utEVQDSvec4SwjJGAzSq'] },
    validFor: 10,
    isValidForInDays: true,
    timeToApprove: 305,
    notificationMedium: ['44d45a37-f28b-4e51-8eef-4d5ff9e15aa9'],
  },
};
const SEED_PATCH =
  '{"ipAddress":"0.0.0.0/8,10.10.25.13","timeOfAccess":{"dateSchedule":{"fromDate":"2023-04-16 02:00:00","toDate":"2023-04-20 02:30:00","timezone":"Pacific/Honolulu"},"daysSchedule":{"fromTime":"12:30:00","toTime":"13:30:00","timezone":"Pacific/Honolulu","days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY"]}},"approval":{"notificationMedium":"44d45a37-f28b-4e51-8eef-4d5ff9e15aa9","timeToApprove":60,"validFor":4,"isValidForInDays":true,"approvers":{"userIds":["k9hv0lowfsg803spfijy"]}}}';

describe('§7 the seed examples are accepted and normalised', () => {
  it('the JSON-string condition of the seed normalises to the same object, keys in SPEC order', () => {
    const parsed = parseCondition(SEED_STRING, '/condition');
    expect(JSON.stringify(parsed)).toBe(SEED_STRING);
  });

  it('the create example: missing parts become null and approval keys are reordered', () => {
    // the seed's own 201 response shows exactly this normalised form
    expect(JSON.stringify(parseCondition(SEED_CREATE, '/condition'))).toBe(JSON.stringify(SEED_CREATE_RESPONSE_CONDITION));
  });

  it('the get example (IP and approval, no timeOfAccess) gets timeOfAccess: null', () => {
    expect(parseCondition(SEED_GET)).toEqual({ ipAddress: '10.1.1.167', timeOfAccess: null, approval: SEED_GET.approval });
  });

  it('the PATCH example string is accepted; notificationMedium stays a string', () => {
    const parsed = parseCondition(SEED_PATCH, '/condition');
    expect(parsed?.approval?.notificationMedium).toBe('44d45a37-f28b-4e51-8eef-4d5ff9e15aa9');
    expect(Object.keys(parsed!.approval!)).toEqual(['approvers', 'validFor', 'isValidForInDays', 'timeToApprove', 'notificationMedium']);
    expect(parsed?.ipAddress).toBe('0.0.0.0/8,10.10.25.13');
  });

  it('the seed condition evaluates as its Honolulu schedule says', () => {
    // Tuesday 2023-08-01 12:00 HST = 22:00Z, from 10.10.25.15
    expect(evaluateCondition(SEED_STRING, { ip: '10.10.25.15', now: Date.parse('2023-08-01T22:00:00Z') })).toEqual({ satisfied: true, failed: [], approvalRequired: true });
    // Friday 2023-08-04 from outside the list
    expect(evaluateCondition(SEED_STRING, { ip: '10.10.25.16', now: Date.parse('2023-08-04T22:00:00Z') })).toEqual({
      satisfied: false,
      failed: ['ipAddress', 'timeOfAccess'],
      approvalRequired: true,
    });
  });
});

// ---------------------------------------------------------------- normalisation

describe('§7 normalisation', () => {
  it.each([null, undefined, '', '   ', {}, '{}', 'null'])('%j is no condition', (input) => {
    expect(parseCondition(input)).toBeNull();
  });

  it('a condition whose three parts are all null or empty is no condition', () => {
    expect(parseCondition({ ipAddress: '', timeOfAccess: null, approval: null })).toBeNull();
    expect(parseCondition({ timeOfAccess: {} })).toBeNull();
  });

  it('an empty ipAddress is null; any other ipAddress is kept exactly as given', () => {
    expect(parseCondition({ ipAddress: '', approval })?.ipAddress).toBeNull();
    expect(parseCondition({ ipAddress: ' 10.0.0.1 , ::1 ' })?.ipAddress).toBe(' 10.0.0.1 , ::1 ');
  });

  it('an object and its JSON string normalise to the same condition', () => {
    const c = { timeOfAccess: { daysSchedule: { days: ['friday'], toTime: '17:00:00', fromTime: '09:00:00' } }, ipAddress: '10.0.0.0/8' };
    expect(parseCondition(JSON.stringify(c))).toEqual(parseCondition(c));
  });

  it('nested keys come out in SPEC order, a missing timezone is UTC and absent days are []', () => {
    const parsed = parseCondition({
      approval: { notificationMedium: ['a', 'b'], timeToApprove: 5, validFor: 2, approvers: { tags: ['ops'], userIds: ['u'] } },
      timeOfAccess: { daysSchedule: { toTime: '02:00:00', fromTime: '22:00:00' }, dateSchedule: { toDate: '2024-02-01 00:00:00', fromDate: '2024-01-01 00:00:00' } },
    });
    expect(JSON.stringify(parsed)).toBe(
      JSON.stringify({
        ipAddress: null,
        timeOfAccess: {
          dateSchedule: { fromDate: '2024-01-01 00:00:00', toDate: '2024-02-01 00:00:00', timezone: 'UTC' },
          daysSchedule: { fromTime: '22:00:00', toTime: '02:00:00', timezone: 'UTC', days: [] },
        },
        approval: { approvers: { userIds: ['u'], tags: ['ops'] }, validFor: 2, isValidForInDays: false, timeToApprove: 5, notificationMedium: ['a', 'b'] },
      }),
    );
  });

  it('a timezone is stored as given (a link stays a link)', () => {
    expect(parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'US/Eastern' } } })?.timeOfAccess?.daysSchedule?.timezone).toBe('US/Eastern');
  });

  it('a null schedule inside timeOfAccess is as if absent', () => {
    const parsed = parseCondition({ timeOfAccess: { dateSchedule: null, daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00' } } });
    expect(Object.keys(parsed!.timeOfAccess!)).toEqual(['daysSchedule']);
  });

  it('the normalised condition is frozen and parses to itself', () => {
    const parsed = parseCondition(SEED_STRING)!;
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.approval!.approvers)).toBe(true);
    expect(parseCondition(parsed)).toEqual(parsed);
    expect(parseCondition(JSON.stringify(parsed))).toEqual(parsed);
  });

  it('the input object is not changed', () => {
    const input = { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', days: ['monday'] } } };
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    parseCondition(input);
    expect(input).toEqual(copy);
  });
});

// ---------------------------------------------------------------- validation

describe('§7 / §10 every problem is a VALIDATION with its JSON pointer', () => {
  it('pointers are relative to the condition, or start at /condition inside a policy body', () => {
    expect(pointersOf(() => parseCondition({ ipAddress: '10.1' }))).toEqual(['/ipAddress']);
    expect(pointersOf(() => parseCondition({ ipAddress: '10.1' }, '/condition'))).toEqual(['/condition/ipAddress']);
    expect(pointersOf(() => evaluateCondition({ ipAddress: 'not-an-ip' }, { now: 0 }))).toEqual(['/ipAddress']);
  });

  it('an unknown weekday is named by its index', () => {
    const c = { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'UTC', days: ['MONDAY', 'tuesday', 'FUNDAY'] } } };
    expect(pointersOf(() => parseCondition(c, '/condition'))).toEqual(['/condition/timeOfAccess/daysSchedule/days/2']);
  });

  it('an unknown key anywhere is VALIDATION at that key', () => {
    expect(pointersOf(() => parseCondition({ ipAdress: '10.0.0.1' }))).toEqual(['/ipAdress']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: { weekSchedule: {} } }))).toEqual(['/timeOfAccess/weekSchedule']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', tz: 'UTC' } } }))).toEqual(['/timeOfAccess/daysSchedule/tz']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, approvers: { users: ['x'] } } }))).toEqual(['/approval/approvers/users']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, extra: 1 } }))).toEqual(['/approval/extra']);
  });

  it('every problem is listed, not only the first', () => {
    const pointers = pointersOf(() =>
      parseCondition(
        {
          ipAddress: '10.1',
          timeOfAccess: {
            dateSchedule: { fromDate: '2024-02-30 00:00:00', toDate: '2024-03-01 00:00:00', timezone: 'Mars/Olympus' },
            daysSchedule: { fromTime: '24:00:00', toTime: '17:00:00', days: ['FUNDAY'] },
          },
          approval: { ...approval, validFor: 0 },
          extra: true,
        },
        '/condition',
      ),
    );
    expect(new Set(pointers)).toEqual(
      new Set([
        '/condition/extra',
        '/condition/ipAddress',
        '/condition/timeOfAccess/dateSchedule/fromDate',
        '/condition/timeOfAccess/dateSchedule/timezone',
        '/condition/timeOfAccess/daysSchedule/fromTime',
        '/condition/timeOfAccess/daysSchedule/days/0',
        '/condition/approval/validFor',
      ]),
    );
  });

  it.each(['2024-02-30 00:00:00', '2023-02-29 00:00:00', '1900-02-29 00:00:00', '2024-04-31 00:00:00', '2024-13-01 00:00:00', '2024-01-00 00:00:00', '0000-01-01 00:00:00'])(
    'an impossible date `%s` is VALIDATION',
    (fromDate) => {
      expect(pointersOf(() => parseCondition({ timeOfAccess: { dateSchedule: { fromDate, toDate: '9999-01-01 00:00:00' } } }))).toEqual(['/timeOfAccess/dateSchedule/fromDate']);
    },
  );

  it('a leap day in a leap year is a date (2024-02-29, 2000-02-29)', () => {
    expect(parseCondition({ timeOfAccess: { dateSchedule: { fromDate: '2000-02-29 00:00:00', toDate: '2024-02-29 23:59:59' } } })).not.toBeNull();
  });

  it.each(['2024-01-01T00:00:00', '2024-01-01 00:00', '2024-1-01 00:00:00', '2024-01-01 24:00:00', '2024-01-01 23:60:00', '2024-01-01 23:59:60', ' 2024-01-01 00:00:00'])(
    'a malformed date-time `%s` is VALIDATION',
    (toDate) => {
      expect(pointersOf(() => parseCondition({ timeOfAccess: { dateSchedule: { fromDate: '2000-01-01 00:00:00', toDate } } }))).toEqual(['/timeOfAccess/dateSchedule/toDate']);
    },
  );

  it.each(['24:00:00', '9:00:00', '09:00', '09:60:00', '09:00:60', '09:00:00.000'])('a malformed time `%s` is VALIDATION', (toTime) => {
    expect(pointersOf(() => parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime } } }))).toEqual(['/timeOfAccess/daysSchedule/toTime']);
  });

  it.each(['Mars/Olympus', 'America/Nowhere', '', '+05:00', 'Local', null])('an unknown time zone %j is VALIDATION', (timezone) => {
    expect(pointersOf(() => parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone } } }))).toEqual(['/timeOfAccess/daysSchedule/timezone']);
  });

  it('wrong types are VALIDATION at the field', () => {
    expect(pointersOf(() => parseCondition({ ipAddress: 10 }))).toEqual(['/ipAddress']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: 'always' }))).toEqual(['/timeOfAccess']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', days: 'MONDAY' } } }))).toEqual(['/timeOfAccess/daysSchedule/days']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', days: [1] } } }))).toEqual(['/timeOfAccess/daysSchedule/days/0']);
    expect(pointersOf(() => parseCondition({ timeOfAccess: { dateSchedule: { fromDate: '2024-01-01 00:00:00' } } }))).toEqual(['/timeOfAccess/dateSchedule/toDate']);
  });

  it('invalid JSON, and JSON that is not an object, are VALIDATION at the condition itself', () => {
    expect(pointersOf(() => parseCondition('{"ipAddress":', '/condition'))).toEqual(['/condition']);
    expect(pointersOf(() => parseCondition('[1,2]', '/condition'))).toEqual(['/condition']);
    expect(pointersOf(() => parseCondition(42))).toEqual(['']);
    expect(pointersOf(() => parseCondition(['10.0.0.1']))).toEqual(['']);
  });
});

// ---------------------------------------------------------------- approval

describe('§7.3 the approval block', () => {
  it('isValidForInDays defaults to false and notificationMedium is stored as given', () => {
    const { isValidForInDays, ...rest } = approval;
    expect(isValidForInDays).toBe(false);
    expect(parseCondition({ approval: rest })?.approval).toEqual({ ...approval, isValidForInDays: false });
    expect(parseCondition({ approval: { ...approval, notificationMedium: ['x'] } })?.approval?.notificationMedium).toEqual(['x']);
  });

  it('an approval block on a Deny policy is VALIDATION at /approval', () => {
    expect(pointersOf(() => parseCondition({ approval }, '/condition', 'Deny'))).toEqual(['/condition/approval']);
    expect(parseCondition({ ipAddress: '10.0.0.1' }, '/condition', 'Deny')?.ipAddress).toBe('10.0.0.1');
    expect(parseCondition({ approval: null }, '/condition', 'Deny')).toBeNull();
  });

  it.each([0, -1, 1.5, '30', null])('validFor %j is VALIDATION: a positive integer is required', (validFor) => {
    expect(pointersOf(() => parseCondition({ approval: { ...approval, validFor } }))).toEqual(['/approval/validFor']);
  });

  it.each([0, 2.5, '60'])('timeToApprove %j is VALIDATION', (timeToApprove) => {
    expect(pointersOf(() => parseCondition({ approval: { ...approval, timeToApprove } }))).toEqual(['/approval/timeToApprove']);
  });

  it('validFor and timeToApprove must keep the end time a valid JavaScript date', () => {
    expect(parseCondition({ approval: { ...approval, isValidForInDays: true, validFor: MAX_VALID_FOR_DAYS } })).not.toBeNull();
    expect(pointersOf(() => parseCondition({ approval: { ...approval, isValidForInDays: true, validFor: MAX_VALID_FOR_DAYS + 1 } }))).toEqual(['/approval/validFor']);
    expect(parseCondition({ approval: { ...approval, validFor: MAX_MINUTES, timeToApprove: MAX_MINUTES } })).not.toBeNull();
    expect(pointersOf(() => parseCondition({ approval: { ...approval, validFor: MAX_MINUTES + 1 } }))).toEqual(['/approval/validFor']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, timeToApprove: Number.MAX_SAFE_INTEGER } }))).toEqual(['/approval/timeToApprove']);
    // the largest duration from the last instant of year 9999 is still a valid date
    expect(Number.isNaN(new Date(253402300799999 + MAX_VALID_FOR_DAYS * 86_400_000).getTime())).toBe(false);
  });

  it('missing approval fields and malformed approvers are VALIDATION', () => {
    expect(new Set(pointersOf(() => parseCondition({ approval: {} })))).toEqual(
      new Set(['/approval/approvers', '/approval/validFor', '/approval/timeToApprove', '/approval/notificationMedium']),
    );
    expect(pointersOf(() => parseCondition({ approval: { ...approval, approvers: { userIds: 'boss' } } }))).toEqual(['/approval/approvers/userIds']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, approvers: { tags: [''] } } }))).toEqual(['/approval/approvers/tags/0']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, notificationMedium: 5 } }))).toEqual(['/approval/notificationMedium']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, notificationMedium: [] } }))).toEqual(['/approval/notificationMedium']);
    expect(pointersOf(() => parseCondition({ approval: { ...approval, isValidForInDays: 'yes' } }))).toEqual(['/approval/isValidForInDays']);
  });

  it('approvers may be empty (only admins can then approve)', () => {
    expect(parseCondition({ approval: { ...approval, approvers: {} } })?.approval?.approvers).toEqual({});
  });

  it('the compiled approval carries its durations in ms', () => {
    const days = compileCondition(parseCondition({ approval: { ...approval, validFor: 4, isValidForInDays: true } })!);
    expect(days.approval).toMatchObject({ validForMs: 4 * 86_400_000, timeToApproveMs: 60 * 60_000 });
    const minutes = compileCondition(parseCondition({ approval })!);
    expect(minutes.approval?.validForMs).toBe(30 * 60_000);
  });
});

// ---------------------------------------------------------------- evaluation

describe('§7.4 evaluateCondition', () => {
  const now = Date.parse('2024-06-03T12:00:00Z'); // a Monday

  it('no condition is satisfied and needs no approval', () => {
    expect(evaluateCondition(null, { now })).toEqual({ satisfied: true, failed: [], approvalRequired: false });
    expect(evaluateCondition('', { now })).toEqual({ satisfied: true, failed: [], approvalRequired: false });
  });

  it('an approval block alone is satisfied but requires approval', () => {
    expect(evaluateCondition({ approval }, { now })).toEqual({ satisfied: true, failed: [], approvalRequired: true });
  });

  it('failed lists ipAddress then timeOfAccess', () => {
    const c = { timeOfAccess: { daysSchedule: { fromTime: '00:00:00', toTime: '01:00:00', days: ['sunday'] } }, ipAddress: '10.0.0.0/8' };
    expect(evaluateCondition(c, { ip: '11.0.0.1', now })).toEqual({ satisfied: false, failed: ['ipAddress', 'timeOfAccess'], approvalRequired: false });
    expect(evaluateCondition(c, { ip: '10.0.0.1', now }).failed).toEqual(['timeOfAccess']);
  });

  it('now may be epoch milliseconds or a Date', () => {
    const c = { timeOfAccess: { dateSchedule: { fromDate: '2024-06-03 12:00:00', toDate: '2024-06-03 12:00:00' } } };
    expect(evaluateCondition(c, { now: new Date(now) }).satisfied).toBe(true);
    expect(evaluateCondition(c, { now: now + 1000 }).satisfied).toBe(false);
  });

  it('an invalid now or ip is VALIDATION at /now or /ip', () => {
    expect(pointersOf(() => evaluateCondition(null, { now: Number.NaN }))).toEqual(['/now']);
    expect(pointersOf(() => evaluateCondition(null, { now: new Date(Number.NaN) }))).toEqual(['/now']);
    expect(pointersOf(() => evaluateCondition(null, { now: '2024-01-01' as unknown as number }))).toEqual(['/now']);
    expect(pointersOf(() => evaluateCondition(null, { now, ip: 5 as unknown as string }))).toEqual(['/ip']);
  });

  it('evaluateCondition is an Allow evaluation: a missing IP fails the list', () => {
    expect(evaluateCondition({ ipAddress: '10.0.0.0/8' }, { now }).failed).toEqual(['ipAddress']);
  });

  it('conditionHolds and failedParts agree with evaluateCondition on a compiled condition', () => {
    const compiled = compileCondition(parseCondition(SEED_STRING)!);
    const client = parseClientAddress('10.10.25.15');
    for (const iso of ['2023-08-01T22:00:00Z', '2023-08-04T22:00:00Z', '2024-01-01T00:00:00Z']) {
      const t = Date.parse(iso);
      const outcome = evaluateCondition(SEED_STRING, { ip: '10.10.25.15', now: t });
      expect(conditionHolds(compiled, client, t, false)).toBe(outcome.satisfied);
      expect(failedParts(compiled, client, t, false)).toEqual(outcome.failed);
    }
    expect(failedParts(compiled, null, Date.parse('2023-08-01T22:00:00Z'), true)).toEqual([]);
  });
});

describe('§7.4 evaluateCondition reports every problem at once', () => {
  it('a bad condition and a bad request are listed together', () => {
    expect(new Set(pointersOf(() => evaluateCondition({ ipAddress: '10.1' }, { now: Number.NaN })))).toEqual(new Set(['/ipAddress', '/now']));
  });

  it('a compiled condition keeps working after being deep-frozen (as immer does to state)', () => {
    const compiled = compileCondition(parseCondition({ ipAddress: '0.0.0.0/0, ::/0', timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'Asia/Tokyo' } } })!);
    const client = parseClientAddress('2001:db8::1');
    const freeze = (value: unknown): void => {
      if (typeof value === 'object' && value !== null) {
        Object.freeze(value);
        Object.values(value).forEach(freeze);
      }
    };
    freeze(compiled);
    expect(conditionHolds(compiled, client, Date.parse('2030-01-07T01:00:00Z'), false)).toBe(true); // 10:00 in Tokyo
    expect(conditionHolds(compiled, client, Date.parse('1999-01-07T12:00:00Z'), false)).toBe(false); // 21:00 in Tokyo
  });
});
