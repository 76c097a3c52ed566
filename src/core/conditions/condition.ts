// Conditions of a policy: parse (ajv + semantic checks, every problem
// with its JSON pointer) → normalised `Condition` → `CompiledCondition` (numeric
// IP ranges, resolved schedule instants, per-zone offset tables) → per-decision
// checks that never parse a string. `evaluateCondition` is the pure entry.

import { invalid, type ErrorDetail } from '../errors.js';
import { attempt, collectProblems, schemaValidator, detailsFromAjv, isPlainObject } from '../validate.js';
import { readInput, RAW_FACTOR } from '../input.js';
import { compileIpList, ipListContains, parseClientAddress, parseIpList, type ClientAddress, type CompiledIpList } from './ip.js';
import {
  WEEKDAYS,
  compileDateSchedule,
  compileDaysSchedule,
  isValidTimeZone,
  parseLocalDateTime,
  parseTimeOfDay,
  scheduleHolds,
  instantOfLocal,
  zoneOffsets,
  type CompiledSchedule,
  type Weekday,
} from './schedule.js';

// ---------------------------------------------------------------- types

/** A normalised dateSchedule: it holds from one local date-time to another, both included (to the second). */
export interface DateSchedule {
  /** The first local date-time it holds, `YYYY-MM-DD HH:mm:ss` in `timezone`. */
  readonly fromDate: string;
  /** The last local date-time it holds, `YYYY-MM-DD HH:mm:ss` in `timezone` (not before `fromDate`). */
  readonly toDate: string;
  /** The IANA time zone the dates are read in, as given (`UTC` when none was). */
  readonly timezone: string;
}

/**
 * A normalised daysSchedule: it holds between two local times on the listed
 * weekdays. When `fromTime` is after `toTime` the window runs past midnight
 * into the next day.
 */
export interface DaysSchedule {
  /** The start of the window, local `HH:mm:ss` (included). */
  readonly fromTime: string;
  /** The end of the window, local `HH:mm:ss` (included). */
  readonly toTime: string;
  /** The IANA time zone the times and weekdays are read in, as given (`UTC` when none was). */
  readonly timezone: string;
  /** The weekdays the window starts on, upper case; empty: every day. */
  readonly days: readonly Weekday[];
}

/** At least one of the two schedules is present. */
export interface TimeOfAccess {
  /** A date range; when both schedules are present, both must hold. */
  readonly dateSchedule?: DateSchedule;
  /** Times of day on given weekdays; when both schedules are present, both must hold. */
  readonly daysSchedule?: DaysSchedule;
}

/**
 * A normalised approval block: the policy grants only to a principal with a
 * live approved request under it (see `Session.requestApproval`).
 */
export interface ApprovalBlock {
  /** Who may approve or reject; with neither list, only admins can. */
  approvers: {
    /** Users, by id, who may approve. */
    userIds?: string[];
    /** Groups whose members may approve. */
    tags?: string[]
  };
  /** How long an approval grants access: days when `isValidForInDays`, else minutes. */
  validFor: number;
  /** True: `validFor` is in days (of 24 hours); false: in minutes. */
  isValidForInDays: boolean;
  /** How long a request stays pending before it expires, in minutes. */
  timeToApprove: number;
  /** Handed as given to the store's `notify` function with each new request. */
  notificationMedium: string | string[];
}

/** A weekday as a condition may give it: any case in, upper case stored. */
export type WeekdayInput = Weekday | Lowercase<Weekday> | Capitalize<Lowercase<Weekday>>;

/**
 * A condition as a policy body or evaluateCondition takes it: each part
 * optional (absent or null: no such part). Times are local to `timezone`
 * (an IANA name; default UTC).
 */
export interface ConditionInput {
  /** Comma-separated IPv4 / IPv6 addresses and CIDRs (`10.0.0.0/8, 2001:db8::/32`). */
  readonly ipAddress?: string | null;
  /** When access is allowed: a date range, times on weekdays, or both (then both must hold). */
  readonly timeOfAccess?: {
    /** From one local date-time to another (`YYYY-MM-DD HH:mm:ss`). */
    readonly dateSchedule?: {
      /** The first local date-time it holds, `YYYY-MM-DD HH:mm:ss` (year 0001–9999). */
      readonly fromDate: string;
      /** The last local date-time it holds, `YYYY-MM-DD HH:mm:ss`; not before `fromDate`. */
      readonly toDate: string;
      /** An IANA time zone name such as `Europe/Berlin`; default `UTC`. */
      readonly timezone?: string
    } | null;
    /** Between two local times (`HH:mm:ss`) on the days given (none: every day); past midnight when fromTime > toTime. */
    readonly daysSchedule?: {
      /** The start of the window, `HH:mm:ss` (00:00:00–23:59:59, included). */
      readonly fromTime: string;
      /** The end of the window, `HH:mm:ss` (included). */
      readonly toTime: string;
      /** An IANA time zone name such as `Europe/Berlin`; default `UTC`. */
      readonly timezone?: string;
      /** The weekdays the window starts on, in any case (`monday`, `Monday`, `MONDAY`); absent, null or empty: every day. */
      readonly days?: readonly WeekdayInput[] | null
    } | null;
  } | null;
  /** An approval block (Allow policies only): the policy grants only after an approver approves a request. */
  readonly approval?: {
    /** Who may approve: listed users, or members of listed groups. */
    readonly approvers: {
      /** User ids (each 1–255 characters). */
      readonly userIds?: readonly string[];
      /** Group ids (each 1–255 characters). */
      readonly tags?: readonly string[]
    };
    /** How long an approval grants: days if isValidForInDays, else minutes. */
    readonly validFor: number;
    /** True: `validFor` is in days; default false (minutes). */
    readonly isValidForInDays?: boolean;
    /** Minutes a request stays open. */
    readonly timeToApprove: number;
    /** Handed to the host's notifier as given. */
    readonly notificationMedium: string | readonly string[];
  } | null;
}

/** The normalised JSON form: the three keys always present, in this order. */
export interface Condition {
  /** The IP list as given (comma-separated addresses and CIDRs), or null for none. */
  readonly ipAddress: string | null;
  /** The schedules, or null for none. */
  readonly timeOfAccess: TimeOfAccess | null;
  /** The approval block, or null for none. */
  readonly approval: ApprovalBlock | null;
}

export interface CompiledApproval {
  readonly block: ApprovalBlock;
  /** validFor in ms (days of 24 h or minutes). */
  readonly validForMs: number;
  /** timeToApprove in ms (minutes). */
  readonly timeToApproveMs: number;
}

export interface CompiledCondition {
  readonly condition: Condition;
  readonly ipList: CompiledIpList | null;
  readonly schedule: CompiledSchedule | null;
  readonly approval: CompiledApproval | null;
}

/** A part of a condition that can fail a request: the IP list or the schedules. */
export type ConditionPart = 'ipAddress' | 'timeOfAccess';

/** What {@link evaluateCondition} answers for one request. */
export interface ConditionOutcome {
  /** True when every IP and time part holds (an absent condition always holds). */
  satisfied: boolean;
  /** The parts that do not hold, `ipAddress` first; empty when satisfied. */
  failed: ConditionPart[];
  /** True when the condition has an approval block: a policy with it grants only after an approval. */
  approvalRequired: boolean;
}

export type { ClientAddress };

// ---------------------------------------------------------------- limits

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// An approval's end (approvedAt or createdAt + duration) must be a valid JS date
// (≤ 8.64e15 ms) for any request made before the year 10000 (253402300800000 ms):
// at most 8.64e15 − 253402300800000 ms = 97,067,103 days = 139,776,628,320 minutes.
export const MAX_VALID_FOR_DAYS = 97_067_103;
export const MAX_MINUTES = MAX_VALID_FOR_DAYS * 1440;

/** Caps of a condition's long strings, in characters: the whole condition as a JSON string, and its IP list. */
export const CONDITION_CAPS = Object.freeze({ json: 262_144, ipAddress: 65_536 });
const ID_CAP = 255;
const TEXT_CAP = 4096;

// ---------------------------------------------------------------- schema

const idList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: ID_CAP } } as const;
const text = { type: 'string', maxLength: TEXT_CAP } as const;

export const CONDITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ipAddress: { type: ['string', 'null'], maxLength: CONDITION_CAPS.ipAddress },
    timeOfAccess: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        dateSchedule: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['fromDate', 'toDate'],
          properties: { fromDate: text, toDate: text, timezone: text },
        },
        daysSchedule: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['fromTime', 'toTime'],
          properties: {
            fromTime: text,
            toTime: text,
            timezone: text,
            days: { type: ['array', 'null'], items: text },
          },
        },
      },
    },
    approval: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['approvers', 'validFor', 'timeToApprove', 'notificationMedium'],
      properties: {
        approvers: { type: 'object', additionalProperties: false, properties: { userIds: idList, tags: idList } },
        validFor: { type: 'integer', minimum: 1 },
        isValidForInDays: { type: 'boolean' },
        timeToApprove: { type: 'integer', minimum: 1 },
        notificationMedium: { type: ['string', 'array'], minLength: 1, maxLength: TEXT_CAP, minItems: 1, items: { type: 'string', minLength: 1, maxLength: TEXT_CAP } },
      },
    },
  },
} as const;

// ---------------------------------------------------------------- parse

type Raw = Record<string, unknown>;

const isPresent = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * Parses a condition (object or JSON string, or null/undefined/''/{} = no condition → null).
 * Throws VALIDATION with every problem, pointers prefixed by `base` ('' for
 * evaluateCondition, '/condition' in a policy body). accessType 'Deny' makes an
 * approval block a VALIDATION error at `${base}/approval`.
 * A condition whose three parts are all absent or null is no condition (null).
 */
export function parseCondition(input: unknown, base = '', accessType: 'Allow' | 'Deny' = 'Allow'): Condition | null {
  let value = input;
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    // The cap is checked on the raw length before anything reads the text (linear parsing only).
    if (value.length > CONDITION_CAPS.json * RAW_FACTOR) throw invalid(base, `is longer than ${CONDITION_CAPS.json} characters`);
    const text = value.trim();
    if (text === '') return null;
    if (text.length > CONDITION_CAPS.json) throw invalid(base, `is longer than ${CONDITION_CAPS.json} characters`);
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw invalid(base, 'is not valid JSON');
    }
    if (value === null) return null;
    // What JSON.parse made has the limits of any input (depth, entries, string lengths).
    value = readInput(value, base, { [`${base}/ipAddress`]: CONDITION_CAPS.ipAddress });
  }
  if (!isPlainObject(value)) throw invalid(base, 'must be an object or a JSON string of one');

  const raw = value;
  return collectProblems((problems) => {
    const validate = schemaValidator('coffer/condition', CONDITION_SCHEMA);
    if (!validate(raw)) problems.push(...detailsFromAjv(validate.errors, base));
    problems.push(...semanticProblems(raw, base, accessType));
    return problems.length > 0 ? null : normalise(raw);
  });
}

/** The checks a schema cannot express; each looks only at parts of the right type. */
function semanticProblems(condition: Raw, base: string, accessType: 'Allow' | 'Deny'): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const ip = condition.ipAddress;
  if (typeof ip === 'string' && ip !== '' && ip.length <= CONDITION_CAPS.ipAddress) {
    for (const message of parseIpList(ip).problems) out.push({ pointer: `${base}/ipAddress`, message });
  }

  const time = condition.timeOfAccess;
  if (isPlainObject(time)) {
    const dates = time.dateSchedule;
    if (isPlainObject(dates)) {
      const at = `${base}/timeOfAccess/dateSchedule`;
      const zone = checkTimeZone(dates.timezone, `${at}/timezone`, out);
      const from = checkLocalDateTime(dates.fromDate, `${at}/fromDate`, out);
      const to = checkLocalDateTime(dates.toDate, `${at}/toDate`, out);
      if (zone !== null && from !== null && to !== null) {
        const table = zoneOffsets(zone);
        if (instantOfLocal(table, from) > instantOfLocal(table, to)) {
          out.push({ pointer: `${at}/toDate`, message: `\`${String(dates.toDate)}\` is before fromDate \`${String(dates.fromDate)}\` in ${zone}` });
        }
      }
    }
    const days = time.daysSchedule;
    if (isPlainObject(days)) {
      const at = `${base}/timeOfAccess/daysSchedule`;
      checkTimeZone(days.timezone, `${at}/timezone`, out);
      for (const key of ['fromTime', 'toTime'] as const) {
        const text = days[key];
        if (typeof text !== 'string') continue;
        const parsed = parseTimeOfDay(text);
        if (typeof parsed === 'string') out.push({ pointer: `${at}/${key}`, message: parsed });
      }
      if (Array.isArray(days.days)) {
        days.days.forEach((day: unknown, i: number) => {
          if (typeof day === 'string' && !(WEEKDAYS as readonly string[]).includes(day.toUpperCase())) {
            out.push({ pointer: `${at}/days/${i}`, message: `\`${day}\` is not a weekday (MONDAY … SUNDAY)` });
          }
        });
      }
    }
  }

  const approval = condition.approval;
  if (isPresent(approval) && accessType === 'Deny') {
    out.push({ pointer: `${base}/approval`, message: 'an approval block is allowed on an Allow policy only' });
  }
  if (isPlainObject(approval)) {
    const inDays = approval.isValidForInDays === true;
    const maxValidFor = inDays ? MAX_VALID_FOR_DAYS : MAX_MINUTES;
    if (typeof approval.validFor === 'number' && approval.validFor > maxValidFor) {
      out.push({ pointer: `${base}/approval/validFor`, message: `must be at most ${maxValidFor} ${inDays ? 'days' : 'minutes'}` });
    }
    if (typeof approval.timeToApprove === 'number' && approval.timeToApprove > MAX_MINUTES) {
      out.push({ pointer: `${base}/approval/timeToApprove`, message: `must be at most ${MAX_MINUTES} minutes` });
    }
  }
  return out;
}

/** A valid zone name (absent = UTC), or null after recording the problem. */
function checkTimeZone(value: unknown, pointer: string, out: ErrorDetail[]): string | null {
  if (value === undefined) return 'UTC';
  if (typeof value !== 'string') return null; // the schema reported it
  if (!isValidTimeZone(value)) {
    out.push({ pointer, message: `\`${value}\` is not a time zone this runtime knows (an IANA name such as \`Europe/Berlin\`)` });
    return null;
  }
  return value;
}

function checkLocalDateTime(value: unknown, pointer: string, out: ErrorDetail[]): number | null {
  if (typeof value !== 'string') return null; // the schema reported it
  const parsed = parseLocalDateTime(value);
  if (typeof parsed === 'string') {
    out.push({ pointer, message: parsed });
    return null;
  }
  return parsed;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A validated raw condition → the normalised form (keys in the documented order). */
function normalise(raw: Raw): Condition | null {
  const ipAddress = typeof raw.ipAddress === 'string' && raw.ipAddress !== '' ? raw.ipAddress : null;

  let timeOfAccess: TimeOfAccess | null = null;
  if (isPlainObject(raw.timeOfAccess)) {
    const time = raw.timeOfAccess;
    const out: { dateSchedule?: DateSchedule; daysSchedule?: DaysSchedule } = {};
    if (isPlainObject(time.dateSchedule)) {
      const d = time.dateSchedule;
      out.dateSchedule = { fromDate: d.fromDate as string, toDate: d.toDate as string, timezone: (d.timezone as string | undefined) ?? 'UTC' };
    }
    if (isPlainObject(time.daysSchedule)) {
      const d = time.daysSchedule;
      const days = Array.isArray(d.days) ? (d.days as string[]).map((day) => day.toUpperCase() as Weekday) : [];
      out.daysSchedule = { fromTime: d.fromTime as string, toTime: d.toTime as string, timezone: (d.timezone as string | undefined) ?? 'UTC', days };
    }
    if (out.dateSchedule !== undefined || out.daysSchedule !== undefined) timeOfAccess = out;
  }

  let approval: ApprovalBlock | null = null;
  if (isPlainObject(raw.approval)) {
    const a = raw.approval;
    const approversIn = a.approvers as { userIds?: string[]; tags?: string[] };
    const approvers: { userIds?: string[]; tags?: string[] } = {};
    if (approversIn.userIds !== undefined) approvers.userIds = [...approversIn.userIds];
    if (approversIn.tags !== undefined) approvers.tags = [...approversIn.tags];
    const medium = a.notificationMedium as string | string[];
    approval = {
      approvers,
      validFor: a.validFor as number,
      isValidForInDays: a.isValidForInDays === true,
      timeToApprove: a.timeToApprove as number,
      notificationMedium: typeof medium === 'string' ? medium : [...medium],
    };
  }

  if (ipAddress === null && timeOfAccess === null && approval === null) return null;
  return deepFreeze({ ipAddress, timeOfAccess, approval });
}

// ---------------------------------------------------------------- compile and check

/** Compiles a parsed condition once (stored with its policy); no string is parsed per decision. */
export function compileCondition(condition: Condition): CompiledCondition {
  const ipList = condition.ipAddress === null ? null : compileIpList(condition.ipAddress);
  let schedule: CompiledSchedule | null = null;
  const time = condition.timeOfAccess;
  if (time !== null) {
    const d = time.dateSchedule;
    const w = time.daysSchedule;
    schedule = Object.freeze({
      dates: d === undefined ? null : compileDateSchedule(d.fromDate, d.toDate, d.timezone),
      days: w === undefined ? null : compileDaysSchedule(w.fromTime, w.toTime, w.timezone, w.days),
    });
  }
  const block = condition.approval;
  const approval =
    block === null
      ? null
      : Object.freeze({
          block,
          validForMs: block.validFor * (block.isValidForInDays ? DAY_MS : MINUTE_MS),
          timeToApproveMs: block.timeToApprove * MINUTE_MS,
        });
  return Object.freeze({ condition, ipList, schedule, approval });
}

/** Parses a request IP once per session (the strict rules of an IP list); null when absent, unparseable or zoned. */
export { parseClientAddress };

/** IP part: no list holds; a missing client holds only for a Deny (fail closed). O(log ranges). */
function ipHolds(compiled: CompiledCondition, client: ClientAddress | null, isDeny: boolean): boolean {
  const list = compiled.ipList;
  if (list === null) return true;
  return client === null ? isDeny : ipListContains(list, client);
}

/** IP and time parts of a compiled condition (the approval part is the approvals'). O(log ranges + transitions in a chunk). */
export function conditionHolds(compiled: CompiledCondition, client: ClientAddress | null, nowMs: number, isDeny: boolean): boolean {
  return ipHolds(compiled, client, isDeny) && (compiled.schedule === null || scheduleHolds(compiled.schedule, nowMs));
}

/** The parts that do not hold, ipAddress first. */
export function failedParts(compiled: CompiledCondition, client: ClientAddress | null, nowMs: number, isDeny: boolean): ConditionPart[] {
  const failed: ConditionPart[] = [];
  if (!ipHolds(compiled, client, isDeny)) failed.push('ipAddress');
  if (compiled.schedule !== null && !scheduleHolds(compiled.schedule, nowMs)) failed.push('timeOfAccess');
  return failed;
}

/**
 * Pure: evaluates a condition (object or JSON string) for a request,
 * as an Allow policy would. Throws VALIDATION for an invalid condition (pointers
 * relative to the condition) or request (`/ip`, `/now`).
 */
export function evaluateCondition(condition: unknown, request: { ip?: string; now: number | Date }): ConditionOutcome {
  const { parsed, nowMs, ip } = collectProblems((problems) => {
    const parsed = attempt(problems, () => parseCondition(readInput(condition, '', { '': CONDITION_CAPS.json, '/ipAddress': CONDITION_CAPS.ipAddress }), '')) ?? null;
    const req: unknown = request;
    let nowMs = Number.NaN;
    let ip: string | undefined;
    if (!isPlainObject(req)) {
      problems.push({ pointer: '', message: 'the request must be an object `{ ip?, now }`' });
    } else {
      const now = req.now;
      nowMs = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Number.NaN;
      if (!Number.isFinite(nowMs) || Math.abs(nowMs) > 8.64e15) problems.push({ pointer: '/now', message: 'must be epoch milliseconds or a valid Date' });
      if (req.ip !== undefined && req.ip !== null && typeof req.ip !== 'string') problems.push({ pointer: '/ip', message: 'must be a string' });
      else if (typeof req.ip === 'string' && req.ip.length > TEXT_CAP) problems.push({ pointer: '/ip', message: `is longer than ${TEXT_CAP} characters` });
      else if (typeof req.ip === 'string') ip = req.ip;
    }
    return { parsed, nowMs, ip };
  });
  if (parsed === null) return { satisfied: true, failed: [], approvalRequired: false };
  const compiled = compileCondition(parsed);
  const failed = failedParts(compiled, parseClientAddress(ip), nowMs, false);
  return { satisfied: failed.length === 0, failed, approvalRequired: parsed.approval !== null };
}
