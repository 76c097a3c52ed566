// Replays every case of the Python oracle (test/oracle/generate_conditions.py:
// zoneinfo + ipaddress, no shared code) against coffer's conditions (SPEC §7).
// Regenerate the fixture with `python3 test/oracle/generate_conditions.py`.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, parseCondition } from '../../../src/core/conditions/index.js';
import { CofferError } from '../../../src/core/errors.js';

interface OracleRequest {
  ip?: string;
  now: number;
  satisfied: boolean;
  failed: string[];
  wall?: string;
}
interface OracleGroup {
  kind: 'ipAddress' | 'dateSchedule' | 'daysSchedule' | 'combined' | 'invalid';
  condition: Record<string, unknown>;
  normalised?: unknown;
  pointer?: string;
  fromInstant?: number;
  toInstant?: number;
  approvalRequired?: boolean;
  requests: OracleRequest[];
}
interface Fixture {
  seed: number;
  pythonTzdata: string;
  nodeTz: string;
  cases: number;
  groups: OracleGroup[];
}

const fixture = JSON.parse(readFileSync(new URL('../../oracle/conditions-fixture.json', import.meta.url), 'utf8')) as Fixture;

/** Every mismatch of one kind of group, as readable lines (empty when coffer agrees with the oracle). */
function mismatches(kind: OracleGroup['kind']): string[] {
  const out: string[] = [];
  for (const group of fixture.groups.filter((g) => g.kind === kind)) {
    const where = JSON.stringify(group.condition);
    const parsed = parseCondition(group.condition);
    if (JSON.stringify(parsed) !== JSON.stringify(group.normalised)) out.push(`${where}: normalised ${JSON.stringify(parsed)}`);
    if (group.fromInstant !== undefined && parsed !== null) {
      const dates = compileCondition(parsed).schedule?.dates;
      if (dates?.fromMs !== group.fromInstant * 1000 || dates.toMs !== group.toInstant! * 1000) {
        out.push(`${where}: resolved ${dates?.fromMs}..${dates?.toMs}, oracle ${group.fromInstant * 1000}..${group.toInstant! * 1000}`);
      }
    }
    for (const r of group.requests) {
      const got = evaluateCondition(group.condition, r.ip === undefined ? { now: r.now } : { ip: r.ip, now: r.now });
      const want = { satisfied: r.satisfied, failed: r.failed, approvalRequired: group.approvalRequired ?? false };
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        out.push(`${where} ip=${String(r.ip)} now=${new Date(r.now).toISOString()}${r.wall ? ` (${r.wall})` : ''}: got ${JSON.stringify(got)}, oracle ${JSON.stringify(want)}`);
      }
    }
  }
  return out;
}

describe('conditions agree with the Python oracle (zoneinfo + ipaddress)', () => {
  it('the fixture holds at least 2,000 cases and records both tz database versions', () => {
    expect(fixture.cases).toBeGreaterThanOrEqual(2000);
    expect(fixture.pythonTzdata).toMatch(/^\d{4}[a-z]$/);
    expect(fixture.nodeTz).toMatch(/^\d{4}[a-z]$/);
  });

  for (const kind of ['ipAddress', 'dateSchedule', 'daysSchedule', 'combined'] as const) {
    it(`every ${kind} case decides as the oracle does`, () => {
      const count = fixture.groups.filter((g) => g.kind === kind).reduce((n, g) => n + g.requests.length, 0);
      expect(count).toBeGreaterThan(100);
      expect(mismatches(kind).slice(0, 10)).toEqual([]);
    });
  }

  it('every condition the oracle rejects is a VALIDATION naming the bad field', () => {
    const wrong: string[] = [];
    for (const group of fixture.groups.filter((g) => g.kind === 'invalid')) {
      try {
        evaluateCondition(group.condition, { now: 0 });
        wrong.push(`${JSON.stringify(group.condition)}: accepted`);
      } catch (error) {
        const pointers = error instanceof CofferError && error.code === 'VALIDATION' ? (error.details ?? []).map((d) => d.pointer) : [];
        if (!pointers.includes(group.pointer!)) wrong.push(`${JSON.stringify(group.condition)}: ${String(error)} ${JSON.stringify(pointers)}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
