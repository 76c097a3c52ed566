// Issue 11 — the caps on caller strings, each at its edge: the cap is
// accepted where that means something, one more character is VALIDATION at
// the field's pointer, and a string more than 4× its cap is refused on its raw
// length (before trimming or parsing), for a caller without any rights too.
// No timing here: the long inputs are ones the old quadratic trim took
// seconds on, and the assertions are on what the refusal says.

import { expect, it } from 'vitest';
import { evaluateCondition } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { outcomeOf, refusal } from '../session/refusals.js';
import { hardened, invalidAt, ipList, messagesOf, policyBody } from './helpers.js';

/** A condition as a JSON string of exactly `length` characters (spaces inside the object). */
function conditionJson(length: number): string {
  const head = '{"ipAddress":"10.0.0.1"';
  return `${head}${' '.repeat(length - head.length - 1)}}`;
}

/** IP lists whose entries hold a long run of spaces between two other characters. */
const SPACE_RUNS = [' '.repeat(60_000) + 'x', 'x' + ' '.repeat(60_000) + 'x', '10.0.0.1' + ' '.repeat(60_000) + 'x', `10.0.0.1,y${' '.repeat(60_000)}z`];

it('evaluateCondition refuses an IP entry with a long run of spaces at /ipAddress, quoting at most 64 characters of it', () => {
  for (const ipAddress of SPACE_RUNS) {
    let thrown: unknown;
    try {
      evaluateCondition({ ipAddress }, { ip: '10.0.0.1', now: 0 });
    } catch (error) {
      thrown = error;
    }
    const error = thrown as { code?: string; details?: { pointer: string; message: string }[] };
    expect(error.code).toBe('VALIDATION');
    expect(error.details!.map((d) => d.pointer)).toContain('/ipAddress');
    for (const detail of error.details!) expect(detail.message.length).toBeLessThan(200);
  }
});

it('evaluateCondition refuses an IP list of 65,537 characters and one of 300,000 at /ipAddress as too long', () => {
  expect(evaluateCondition({ ipAddress: ipList(65_536) }, { ip: '10.0.0.1', now: 0 }).satisfied).toBe(true);
  for (const length of [65_537, 300_000]) {
    expect(() => evaluateCondition({ ipAddress: ipList(length) }, { ip: '10.0.0.1', now: 0 })).toThrow(/65536/);
    try {
      evaluateCondition({ ipAddress: ipList(length) }, { ip: '10.0.0.1', now: 0 });
    } catch (error) {
      expect((error as { details: { pointer: string }[] }).details.map((d) => d.pointer)).toEqual(['/ipAddress']);
    }
  }
});

it('evaluateCondition takes a condition JSON string of 262,144 characters and refuses 262,145 at the root pointer', () => {
  expect(evaluateCondition(conditionJson(262_144), { ip: '10.0.0.1', now: 0 }).satisfied).toBe(true);
  expect(() => evaluateCondition(conditionJson(262_145), { ip: '10.0.0.1', now: 0 })).toThrow(/262,?144/);
  try {
    evaluateCondition(conditionJson(262_145), { ip: '10.0.0.1', now: 0 });
  } catch (error) {
    expect((error as { details: { pointer: string }[] }).details.map((d) => d.pointer)).toEqual(['']);
  }
});

describeEachAdapter('input caps', (makeStore) => {
  it('an ipAddress with a long run of spaces is VALIDATION under /condition for a caller without rights, each message short', async () => {
    const { nobody } = await hardened(makeStore);
    for (const ipAddress of SPACE_RUNS) {
      const error = await invalidAt(nobody.policies.create(policyBody({ condition: { ipAddress } }) as never), /^\/condition/);
      for (const detail of error.details!) expect(detail.message.length).toBeLessThan(200);
    }
  });

  it('an ipAddress list of 65,536 characters is accepted; 65,537 is VALIDATION at /condition/ipAddress saying it is too long', async () => {
    const { admin } = await hardened(makeStore);
    const policy = await admin.policies.create(policyBody({ name: 'At the cap', condition: { ipAddress: ipList(65_536) } }) as never);
    expect(policy.condition).not.toBeNull();
    const error = await invalidAt(admin.policies.create(policyBody({ name: 'Past the cap', condition: { ipAddress: ipList(65_537) } }) as never), '/condition/ipAddress');
    expect(messagesOf(error)).toMatch(/65,?536/);
  });

  it('an ipAddress list of 300,000 characters is refused on its raw length, for a caller without rights and for an admin', async () => {
    const { admin, nobody } = await hardened(makeStore);
    for (const session of [nobody, admin]) {
      const error = await invalidAt(session.policies.create(policyBody({ condition: { ipAddress: ipList(300_000) } }) as never), '/condition/ipAddress');
      expect(error.details).toHaveLength(1);
      expect(messagesOf(error)).toMatch(/longer than 65,?536/);
    }
  });

  it('a condition given as a JSON string is accepted at 262,144 characters; 262,145 is VALIDATION at /condition', async () => {
    const { admin } = await hardened(makeStore);
    expect(conditionJson(262_144)).toHaveLength(262_144);
    await admin.policies.create(policyBody({ name: 'Json at the cap', condition: conditionJson(262_144) }) as never);
    const error = await invalidAt(admin.policies.create(policyBody({ name: 'Json past the cap', condition: conditionJson(262_145) }) as never), '/condition');
    expect(messagesOf(error)).toMatch(/262,?144/);
  });

  it('a condition JSON string more than 4× its cap is refused on its raw length, even when trimming would shorten it', async () => {
    const { admin, nobody } = await hardened(makeStore);
    const padded = ' '.repeat(4 * 262_144) + '{"ipAddress":"10.0.0.1"}';
    await invalidAt(admin.policies.create(policyBody({ condition: padded }) as never), '/condition');
    await invalidAt(nobody.policies.create(policyBody({ condition: padded }) as never), '/condition');
  });

  it('a filter of 1,024 characters is accepted; 1,025 is VALIDATION at /filter, and so is a filter of more than 4,096 raw characters', async () => {
    const { admin, nobody } = await hardened(makeStore);
    const atCap = 'name eq ' + 'a'.repeat(1016);
    expect(atCap).toHaveLength(1024);
    expect((await admin.policies.list({ filter: atCap })).result).toEqual([]);
    await invalidAt(admin.policies.list({ filter: atCap + 'a' }), '/filter');
    await invalidAt(nobody.policies.list({ filter: atCap + 'a' }), '/filter');
    await invalidAt(admin.policies.list({ filter: ' '.repeat(4096) + 'name eq a' }), '/filter');
  });

  it('a page token of 4,097 characters is VALIDATION at /pageToken saying it is too long, not that it was altered', async () => {
    const { admin, nobody } = await hardened(makeStore);
    for (const session of [admin, nobody]) {
      const error = await invalidAt(session.policies.list({ pageToken: 'a'.repeat(4097) }), '/pageToken');
      expect(messagesOf(error)).toMatch(/longer than 4,?096/);
    }
  });

  it('a principal id of 255 characters is accepted; 256 is VALIDATION at /principal/id, and a group of 256 at /principal/groups/0', async () => {
    const { store } = await hardened(makeStore);
    expect(await outcomeOf(() => store.as({ id: 'p'.repeat(255) }).get('/d'))).toBe('FORBIDDEN');
    const long = await refusal(() => store.as({ id: 'p'.repeat(256) }).get('/d'), 'VALIDATION');
    expect(long.details!.map((d) => d.pointer)).toContain('/principal/id');
    expect(await outcomeOf(() => store.as({ id: 'p', groups: ['g'.repeat(255)] }).get('/d'))).toBe('FORBIDDEN');
    const group = await refusal(() => store.as({ id: 'p', groups: ['g'.repeat(256)] }).get('/d'), 'VALIDATION');
    expect(group.details!.map((d) => d.pointer)).toContain('/principal/groups/0');
  });

  it('a policy member id of 255 characters is accepted; 256 is VALIDATION at /members/users/0/id', async () => {
    const { admin } = await hardened(makeStore);
    await admin.policies.create(policyBody({ name: 'Member at the cap', members: { users: [{ id: 'm'.repeat(255) }] } }) as never);
    await invalidAt(admin.policies.create(policyBody({ name: 'Member past the cap', members: { users: [{ id: 'm'.repeat(256) }] } }) as never), '/members/users/0/id');
  });

  it('an ACL entity id of 255 characters is accepted; 256 is VALIDATION at /entity/id', async () => {
    const { admin } = await hardened(makeStore);
    await admin.putAccess('/d', { entity: { type: 'user', id: 'e'.repeat(255) }, access: 'read' });
    await invalidAt(admin.putAccess('/d', { entity: { type: 'group', id: 'e'.repeat(256) }, access: 'read' }), '/entity/id');
    await invalidAt(admin.deleteAccess('/d', { type: 'user', id: 'e'.repeat(256) }), /^\/entity/);
  });

  it('a policy name is 128 characters once trimmed (129 is VALIDATION at /name), and more than 512 raw characters are refused before trimming', async () => {
    const { admin } = await hardened(makeStore);
    expect((await admin.policies.create(policyBody({ name: `  ${'n'.repeat(128)}  ` }) as never)).name).toBe('n'.repeat(128));
    await invalidAt(admin.policies.create(policyBody({ name: 'n'.repeat(129) }) as never), '/name');
    await invalidAt(admin.policies.create(policyBody({ name: ' '.repeat(400) + 'Short name' + ' '.repeat(110) }) as never), '/name');
  });

  it('a policy description of 255 characters is accepted; 256 is VALIDATION at /description', async () => {
    const { admin } = await hardened(makeStore);
    await admin.policies.create(policyBody({ name: 'Described', description: 'x'.repeat(255) }) as never);
    await invalidAt(admin.policies.create(policyBody({ name: 'Over described', description: 'x'.repeat(256) }) as never), '/description');
  });

  it('an item description of 4,096 characters is accepted; 4,097 is VALIDATION at /description', async () => {
    const { admin } = await hardened(makeStore);
    await admin.create('/d/s', { type: 'secret', value: 'v', description: 'x'.repeat(4096) });
    await invalidAt(admin.create('/d/t', { type: 'secret', value: 'v', description: 'x'.repeat(4097) }), '/description');
    await invalidAt(admin.patch('/d/s', { description: 'x'.repeat(4 * 4096 + 1) }), '/description');
  });

  it('a justification or a comment of 4,097 characters is VALIDATION at /justification or /comment, before anything is looked up', async () => {
    const { nobody } = await hardened(makeStore);
    expect(await outcomeOf(nobody.requestApproval({ path: '/d', justification: 'j'.repeat(4096) }))).toBe('FORBIDDEN');
    await invalidAt(nobody.requestApproval({ path: '/d', justification: 'j'.repeat(4097) }), '/justification');
    await invalidAt(nobody.approve('no-such-request', { comment: 'c'.repeat(4097) }), '/comment');
    await invalidAt(nobody.reject('no-such-request', { comment: 'c'.repeat(4 * 4096 + 1) }), '/comment');
  });

  it('a policy id of 5,000 characters is VALIDATION at /id for get, update and delete', async () => {
    const { admin, nobody } = await hardened(makeStore);
    const id = 'i'.repeat(5000);
    for (const session of [admin, nobody]) {
      await invalidAt(session.policies.get(id), '/id');
      await invalidAt(session.policies.update(id, { description: 'x' }), '/id');
      await invalidAt(session.policies.delete(id), '/id');
    }
  });

  it('a client ip of more than 4,096 characters is VALIDATION at /context/ip', async () => {
    const { store } = await hardened(makeStore);
    expect(await outcomeOf(() => store.as({ id: 'p' }, { ip: '1'.repeat(4096) }).get('/d'))).toBe('FORBIDDEN');
    const error = await refusal(() => store.as({ id: 'p' }, { ip: '1'.repeat(4097) }).get('/d'), 'VALIDATION');
    expect(error.details!.map((d) => d.pointer)).toContain('/context/ip');
  });

  it("a policy resource '//*' or '/a//*' is VALIDATION at /resource", async () => {
    const { admin } = await hardened(makeStore);
    await invalidAt(admin.policies.create(policyBody({ resource: '//*' }) as never), '/resource');
    await invalidAt(admin.policies.create(policyBody({ resource: '/d//*' }) as never), '/resource');
    await invalidAt(admin.policies.list({ resource: '//*' }), '/resource');
  });
});
