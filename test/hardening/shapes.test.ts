// Issue 11 — input too big in shape rather than in one string: huge
// malformed paths, more than 100 problems, objects nested deeper than 32
// levels and arrays over 10,000 entries. Each is one VALIDATION with a
// pointer (never a RangeError, never STORAGE in the audit), with at most 101
// details, the last one (pointer "") counting the problems not listed.

import { expect, it } from 'vitest';
import { CofferError, evaluateCondition, type Principal } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { outcomeOf, pointersOf, refusal } from '../session/refusals.js';
import { hardened, invalidAt, nested, policyBody } from './helpers.js';

/** A string of JSON nested `levels` deep, made without JSON.stringify (which recurses). */
const deepJson = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** Deep enough to overflow any recursive walk of the input. */
const DEEP = 20_000;

/** A VALIDATION whose details are capped: at most 100 problems, then one entry with pointer "" saying how many more. */
function expectCappedDetails(error: CofferError): void {
  const details = error.details!;
  expect(details.length).toBeLessThanOrEqual(101);
  if (details.length === 101) {
    expect(details[100]!.pointer).toBe('');
    expect(details[100]!.message).toMatch(/\d+ more/);
    expect(details.slice(0, 100).every((d) => d.pointer !== '')).toBe(true);
  }
}

it('evaluateCondition of a 20,000-deep condition is VALIDATION, not a RangeError', () => {
  for (const condition of [{ timeOfAccess: nested(DEEP) }, deepJson(DEEP)]) {
    let thrown: unknown;
    try {
      evaluateCondition(condition, { now: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CofferError);
    expect((thrown as CofferError).code).toBe('VALIDATION');
  }
});

describeEachAdapter('huge paths and capped details', (makeStore) => {
  it("get and create of '/'.repeat(2e6) are VALIDATION at /path with at most 101 details", async () => {
    const { admin, nobody } = await hardened(makeStore);
    const path = '/'.repeat(2e6);
    for (const call of [() => nobody.get(path), () => admin.get(path), () => admin.create(path, { type: 'directory' })]) {
      const error = await refusal(call, 'VALIDATION');
      expect(error.details!.length).toBeLessThanOrEqual(101);
      expect(pointersOf(error)).toContain('/path');
    }
  });

  it('a path of 4097 × 4 + 1 characters is refused on its length alone: one detail at /path', async () => {
    const { admin } = await hardened(makeStore);
    for (const path of ['/'.repeat(4097 * 4 + 1), '/a'.repeat(8195)]) {
      const error = await refusal(admin.get(path), 'VALIDATION');
      expect(error.details).toHaveLength(1);
      expect(error.details![0]!.pointer).toBe('/path');
      expect(error.details![0]!.message).toMatch(/4,?096/);
    }
  });

  it('a path with 1,000 empty segments gives exactly 101 details, the last with pointer "" saying how many more were not listed', async () => {
    const { admin } = await hardened(makeStore);
    const path = '/a' + '//b'.repeat(1000);
    expect(path.length).toBeLessThan(4 * 4096);
    // 1,000 empty segments and a depth past 64: 1,001 problems, 100 listed, 901 counted.
    for (const call of [admin.get(path), admin.create(path, { type: 'directory' }), admin.delete(path)]) {
      const error = await invalidAt(call, '/path');
      expect(error.details).toHaveLength(101);
      expectCappedDetails(error);
      expect(error.details![100]!.message).toMatch(/\b901 more/);
    }
  });

  it('any VALIDATION with more than 100 problems lists 100 and one more entry, pointer "", counting the rest', async () => {
    const { admin } = await hardened(makeStore);
    const users = Array.from({ length: 150 }, () => ({ id: '' }));
    const error = await invalidAt(admin.policies.create(policyBody({ members: { users } }) as never), '/members/users/0/id');
    expect(error.details).toHaveLength(101);
    expectCappedDetails(error);
    expect(error.details![100]!.message).toMatch(/\b50 more/);
    expect(JSON.parse(JSON.stringify(error)).details).toHaveLength(101);
  });
});

describeEachAdapter('deep nesting and long arrays', (makeStore) => {
    it('a principal with a 20,000-deep extra field is VALIDATION under /principal, thrown by store.as or by its first call', async () => {
    const { store } = await hardened(makeStore);
    const error = await refusal(() => store.as({ id: 'u', extra: nested(DEEP) } as Principal).get('/d'), 'VALIDATION');
    expect(error.details!.some((d) => d.pointer.startsWith('/principal'))).toBe(true);
    expect(await outcomeOf(() => store.as({ id: 'u' }, { ip: nested(DEEP) as never }).get('/d'))).toBe('VALIDATION');
  });

  const CASES: ReadonlyArray<readonly [string, RegExp, (h: Awaited<ReturnType<typeof hardened>>) => Promise<unknown>]> = [
    ['an item body (create)', /^\/description/, (h) => h.admin.create('/d/x', { type: 'secret', value: 'v', description: nested(DEEP) as never })],
    ['an item body (patch)', /^\/description/, (h) => h.admin.patch('/d', { description: nested(DEEP) as never })],
    ['a policy condition object', /^\/condition/, (h) => h.admin.policies.create(policyBody({ condition: { timeOfAccess: nested(DEEP) } }) as never)],
    ['a policy condition JSON string', /^\/condition/, (h) => h.admin.policies.create(policyBody({ condition: deepJson(DEEP) }) as never)],
    ['a policy update', /^\/condition/, (h) => h.admin.policies.update('any-id', { condition: { approval: nested(DEEP) as never } })],
    ['a list query', /^\/x/, (h) => h.admin.policies.list({ x: nested(DEEP) } as never)],
    ['an ACL entry', /^\/x/, (h) => h.admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read', x: nested(DEEP) } as never)],
    ['an approval request', /^\/justification/, (h) => h.nobody.requestApproval({ path: '/d', justification: nested(DEEP) as never })],
    ['an approval decision', /^\/comment/, (h) => h.nobody.approve('some-id', { comment: nested(DEEP) } as never)],
  ];

  for (const [where, pointer, call] of CASES) {
    it(`a 20,000-deep object in ${where} is VALIDATION with a pointer, audited as VALIDATION`, async () => {
      const h = await hardened(makeStore);
      const before = h.t.audit.length;
      const error = await invalidAt(() => call(h), pointer);
      expect(error.details).toHaveLength(1);
      const events = h.t.audit.slice(before);
      expect(events).toHaveLength(1);
      for (const event of events) expect(event).toMatchObject({ outcome: 'refused', code: 'VALIDATION' });
    });
  }

  it('an array of 10,001 members is VALIDATION at /members/users; 10,000 is not refused for its length', async () => {
    const { admin } = await hardened(makeStore);
    const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `user-${i}` }));
    await invalidAt(admin.policies.create(policyBody({ name: 'Too many', members: { users: users(10_001) } }) as never), '/members/users');
    const policy = await admin.policies.create(policyBody({ name: 'Just enough', members: { users: users(10_000) } }) as never);
    expect(policy.members.users).toHaveLength(10_000);
  });

  it('an object 33 levels deep is VALIDATION, 32 levels is fine, and the deepest SPEC shapes still work', async () => {
    const { store, admin } = await hardened(makeStore);
    // The principal is level 1, so `extra` nested 32 deep makes 33 levels.
    expect(await outcomeOf(() => store.as({ id: 'u', extra: nested(32) } as Principal).get('/d'))).toBe('VALIDATION');
    expect(await outcomeOf(() => store.as({ id: 'u', extra: nested(31) } as Principal).get('/d'))).toBe('FORBIDDEN');
    const condition = {
      ipAddress: '10.0.0.0/8',
      timeOfAccess: {
        dateSchedule: { fromDate: '2024-01-01 00:00:00', toDate: '2030-01-01 00:00:00', timezone: 'UTC' },
        daysSchedule: { fromTime: '00:00:00', toTime: '23:59:59', timezone: 'UTC', days: ['MONDAY'] },
      },
      approval: { approvers: { userIds: ['boss'], tags: ['leads'] }, validFor: 60, isValidForInDays: false, timeToApprove: 30, notificationMedium: ['ops'] },
    };
    const policy = await admin.policies.create(policyBody({ name: 'Full shape', condition }) as never);
    expect(policy.condition).toMatchObject({ ipAddress: '10.0.0.0/8' });
    await admin.policies.update(policy.id, { condition: JSON.stringify(condition) });
  });
});
