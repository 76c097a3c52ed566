// The grants index (state/grants.ts) checked against a naive oracle written
// from the rules (SPEC §6.3, §8, docs/decisions.md): an active, non-draft
// policy grants action A on X to P when P is a member (users by id or `*`,
// tags by group, tokens and service identities by kind and id), A is in its
// level's permission 1 and its resource covers X (`*` everything; an exact
// path its bound item; a subtree the bound item and all below it) while its
// bound item exists; permission 0 lets P list the directories toward R; Deny
// beats Allow; ties go to the first by lower-cased name, then id.
// Permission 2 (global actions, on `*`) needs no live item. Conditions are left out.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { OPERATION_RULES, type ItemOperation } from '../../src/core/actions.js';
import { decide, type Question } from '../../src/core/decide.js';
import { ACCESS_LEVELS, GLOBAL_ACTIONS, RESOURCE_ACTIONS } from '../../src/core/permissions.js';
import { withFields, type Policy } from '../../src/core/policy.js';
import { parseResource } from '../../src/core/resources.js';
import { memberKeysOf } from '../../src/core/state/grants.js';
import { State } from '../../src/core/state/state.js';
import type { ItemRecord, Principal } from '../../src/core/types.js';
import { NO_FACTS, callerOf, deleteItem, deletePolicy, itemRecord, makePolicy, principalOf, putItem, putPolicy, randomOf, rootRecord, shuffled, stateWith, idOf } from './state-fixtures.js';

// A token with a user's id is not that user.
const WHO: readonly Principal[] = [principalOf('u1', 'user', ['g1']), principalOf('u2', 'user', ['g2', 'g3']), principalOf('u3'), principalOf('t1', 'token', ['g1']), principalOf('u1', 'token'), principalOf('s1', 'serviceIdentity', ['g2'])];
const OPERATIONS: readonly ItemOperation[] = ['list', 'read', 'create', 'patchSecret', 'patchDirectory', 'delete'];
const GLOBALS = ['sm.vault.read', 'sm.passwordpolicy.update', 'sm.unknown.thing'];

// ---------------------------------------------------------------- the oracle

class Model {
  readonly items = new Map<string, ItemRecord>([['root', rootRecord()]]);
  readonly policies = new Map<string, Policy>();
  pathOf(id: string): string {
    const item = this.items.get(id)!;
    if (item.parentId === null) return '/';
    const parent = this.pathOf(item.parentId);
    return parent === '/' ? `/${item.name}` : `${parent}/${item.name}`;
  }
  paths(): string[] {
    return [...this.items.keys()].map((id) => this.pathOf(id));
  }
}

const isUnder = (path: string, top: string) => top === '/' || path === top || path.startsWith(top + '/');
const firstOf = (list: Policy[]) =>
  list.sort((a, b) => (a.name.toLowerCase() !== b.name.toLowerCase() ? (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1) : a.id < b.id ? -1 : 1))[0]?.id;

function isMember(p: Policy, who: Principal): boolean {
  const { users, tags, tokens, serviceIdentities } = p.members;
  if (tags.some((m) => who.groups.includes(m.id))) return true;
  if (who.kind === 'user') return users.some((m) => m.id === who.id || m.id === '*');
  return (who.kind === 'token' ? tokens : serviceIdentities).some((m) => m.id === who.id);
}

/** The path of the policy's bound item, `/` for `*`, undefined once the item is gone. */
function boundPath(model: Model, p: Policy): string | undefined {
  if (p.resource.kind === 'any') return '/';
  return model.items.has(p.boundItemId!) ? model.pathOf(p.boundItemId!) : undefined;
}

function covers(model: Model, p: Policy, path: string): boolean {
  if (p.resource.kind === 'any') return true;
  const bound = boundPath(model, p);
  return bound !== undefined && (p.resource.kind === 'exact' ? bound === path : isUnder(path, bound));
}

type Verdict = { readonly reason: string; readonly policyId: string | undefined; readonly isPathOnly: boolean };

const verdict = (deny: string | undefined, allow: string | undefined, isPathOnly = false): Verdict =>
  deny !== undefined ? { reason: 'explicit_deny', policyId: deny, isPathOnly: false } : allow !== undefined ? { reason: 'policy', policyId: allow, isPathOnly } : { reason: 'default_deny', policyId: undefined, isPathOnly: false };

const mine = (model: Model, who: Principal) => [...model.policies.values()].filter((p) => p.isActive && !p.isDraft && isMember(p, who));

function expectItem(model: Model, who: Principal, operation: ItemOperation, path: string): Verdict {
  const action = OPERATION_RULES[operation].action;
  const own = mine(model, who);
  const grants = own.filter((p) => RESOURCE_ACTIONS[p.accessLevel].has(action) && covers(model, p, path));
  // Permission 0: listing an existing directory toward R (never a Deny's).
  const toward = own.filter((p) => {
    if (action !== 'sm.node.list' || !model.paths().includes(path) || p.accessType !== 'Allow') return false;
    const bound = boundPath(model, p);
    return bound !== undefined && (path === '/' || (bound !== path && isUnder(bound, path)));
  });
  const full = grants.filter((p) => p.accessType === 'Allow');
  return verdict(firstOf(grants.filter((p) => p.accessType === 'Deny')), firstOf([...full, ...toward]), full.length === 0);
}

function expectPolicyQuestion(model: Model, who: Principal, action: string, resource: string): Verdict {
  const asked = parseResource(resource);
  const grants = mine(model, who).filter((p) => {
    if (!RESOURCE_ACTIONS[p.accessLevel].has(action)) return false;
    if (p.resource.kind === 'any') return true;
    if (asked.kind === 'any') return false;
    const bound = boundPath(model, p);
    return bound !== undefined && (p.resource.kind === 'exact' ? asked.kind === 'exact' && asked.path.path === bound : isUnder(asked.path.path, bound));
  });
  return verdict(firstOf(grants.filter((p) => p.accessType === 'Deny')), firstOf(grants.filter((p) => p.accessType === 'Allow')));
}

function expectGlobal(model: Model, who: Principal, action: string): Verdict {
  const grants = mine(model, who).filter((p) => GLOBAL_ACTIONS[p.accessLevel].has(action)); // dead or alive
  return verdict(firstOf(grants.filter((p) => p.accessType === 'Deny')), firstOf(grants.filter((p) => p.accessType === 'Allow')));
}

/** A live Allow whose bound item is `path` or below it (`*`: the root leads to it). */
const expectLeads = (model: Model, who: Principal, path: string) =>
  mine(model, who).some((p) => p.accessType === 'Allow' && boundPath(model, p) !== undefined && (p.resource.kind === 'any' ? path === '/' : isUnder(boundPath(model, p)!, path)));

/** Every question the oracle answers, asked of the state; the mismatches (none expected). */
function mismatches(state: State, model: Model, operations = OPERATIONS): string[] {
  const out: string[] = [];
  const paths = model.paths();
  const asked = [...paths, ...paths.flatMap((p) => [`${p === '/' ? '' : p}/zz`, `${p === '/' ? '' : p}/zz/yy`])];
  const check = (what: string, got: Verdict, want: Verdict) => {
    if (got.reason !== want.reason || got.policyId !== want.policyId || got.isPathOnly !== want.isPathOnly) out.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const ask = (caller: ReturnType<typeof callerOf>, q: Question): Verdict => {
    const { decision, isPathOnly } = decide(state, caller, q);
    return { reason: decision.reason, policyId: decision.policyId, isPathOnly };
  };
  for (const who of WHO) {
    const caller = callerOf(state, who);
    const tag = `${who.kind}:${who.id}`;
    for (const path of asked) {
      for (const operation of operations) check(`${tag} ${operation} ${path}`, ask(caller, { kind: 'item', operation, path }), expectItem(model, who, operation, path));
      for (const resource of [path, path === '/' ? '/*' : `${path}/*`]) {
        check(`${tag} authz ${resource}`, ask(caller, { kind: 'policy', action: 'authz.policy.update', resource: parseResource(resource) }), expectPolicyQuestion(model, who, 'authz.policy.update', resource));
      }
    }
    check(`${tag} authz *`, ask(caller, { kind: 'policy', action: 'authz.policy.read', resource: parseResource('*') }), expectPolicyQuestion(model, who, 'authz.policy.read', '*'));
    for (const action of GLOBALS) check(`${tag} ${action}`, ask(caller, { kind: 'global', action }), expectGlobal(model, who, action));
    for (const path of paths) {
      const leads = state.grants.leadsToGrant(caller.members, state.items.ordinalAt(path)!, NO_FACTS);
      if (leads !== expectLeads(model, who, path)) out.push(`${tag} leadsToGrant ${path}: got ${leads}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- random stores

const policySpec = fc.record({
  name: fc.constantFrom('alpha', 'Alpha', 'beta', 'gamma', 'Zed'), level: fc.constantFrom(...ACCESS_LEVELS), isDeny: fc.boolean(),
  kind: fc.constantFrom('any', 'exact', 'exact', 'subtree', 'subtree'), target: fc.nat(),
  users: fc.subarray(['u1', 'u2', '*']), tags: fc.subarray(['g1', 'g2', 'g3']), tokens: fc.subarray(['t1', 'u1']), serviceIdentities: fc.subarray(['s1']),
  isActive: fc.constantFrom(true, true, true, false), isDraft: fc.constantFrom(false, false, false, true),
});
type PolicySpec = typeof policySpec extends fc.Arbitrary<infer T> ? T : never;
const name = fc.constantFrom('a', 'b', 'c');
const step = fc.oneof(
  fc.record({ kind: fc.constant('deleteLeaf' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('addItem' as const), parent: fc.nat(), name, isDirectory: fc.boolean() }),
  fc.record({ kind: fc.constant('deletePolicy' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('putPolicy' as const), spec: policySpec, replaces: fc.option(fc.nat(), { nil: undefined }) }),
);

/** The policy a spec describes, its resource picked among the model's items. */
function policyOf(model: Model, id: string, s: PolicySpec): Policy {
  const ids = [...model.items.keys()].sort();
  const target = ids[s.target % ids.length]!;
  const path = model.pathOf(target);
  const resource = s.kind === 'any' ? '*' : s.kind === 'exact' ? path : path === '/' ? '/*' : `${path}/*`;
  const { users, tags, tokens, serviceIdentities, isActive, isDraft } = s;
  return makePolicy(undefined, id, s.name, resource, { boundItemId: s.kind === 'any' ? null : target, accessLevel: s.level, accessType: s.isDeny ? 'Deny' : 'Allow', users, tags, tokens, serviceIdentities, isActive, isDraft });
}

/** Adds an item under the directory `parent` picks, unless its name is taken there; its delta. */
function addItem(model: Model, id: string, parent: number, itemName: string, isDirectory: boolean): ItemRecord | undefined {
  const directories = [...model.items.values()].filter((i) => i.type === 'directory').map((i) => i.id).sort();
  const parentId = directories[parent % directories.length]!;
  if ([...model.items.values()].some((i) => i.parentId === parentId && i.name === itemName)) return undefined;
  const record = itemRecord(id, parentId, itemName, isDirectory ? 'directory' : 'secret');
  model.items.set(id, record);
  return record;
}

describe('grants against the oracle', () => {
  it('random trees and policies loaded in one apply, then changed one step at a time, decide as the rules say (property, seeded)', () => {
    const scenario = fc.record({
      shape: fc.array(fc.record({ parent: fc.nat(), name, isDirectory: fc.boolean() }), { maxLength: 12 }),
      policies: fc.array(policySpec, { maxLength: 12 }),
      steps: fc.array(step, { maxLength: 8 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(scenario, ({ shape, policies, steps, seed }) => {
        const model = new Model();
        const items = shape.map((s, i) => addItem(model, `i${i}`, s.parent, s.name, s.isDirectory)).filter((r) => r !== undefined);
        policies.forEach((s, i) => model.policies.set(`p${i}`, policyOf(model, `p${i}`, s)));
        const state = new State();
        // One load, items in any order and policies among them (the state applies items first).
        state.apply(shuffled([rootRecord(), ...items].map(putItem).concat([...model.policies.values()].map(putPolicy)), seed));
        expect(mismatches(state, model)).toEqual([]);
        steps.forEach((s, n) => {
          const policyIds = [...model.policies.keys()].sort();
          if (s.kind === 'deleteLeaf') {
            const leaves = [...model.items.values()].filter((i) => i.parentId !== null && ![...model.items.values()].some((c) => c.parentId === i.id));
            if (leaves.length === 0) return;
            const leaf = leaves.sort((a, b) => (a.id < b.id ? -1 : 1))[s.pick % leaves.length]!;
            model.items.delete(leaf.id);
            state.apply([deleteItem(leaf.id)]);
          } else if (s.kind === 'addItem') {
            const record = addItem(model, `n${n}`, s.parent, s.name, s.isDirectory);
            if (record === undefined) return;
            state.apply([putItem(record)]);
          } else if (s.kind === 'deletePolicy') {
            if (policyIds.length === 0) return;
            const id = policyIds[s.pick % policyIds.length]!;
            model.policies.delete(id);
            state.apply([deletePolicy(id)]);
          } else {
            const id = s.replaces !== undefined && policyIds.length > 0 ? policyIds[s.replaces % policyIds.length]! : `q${n}`;
            const policy = policyOf(model, id, s.spec);
            model.policies.set(id, policy);
            state.apply([putPolicy(policy)]);
          }
          expect(mismatches(state, model)).toEqual([]);
        });
      }),
      { seed: 16180, numRuns: 60 },
    );
  });

  it('churn that rebuilds the anchor filters keeps every answer (stats.bitRebuilds grows)', () => {
    const random = randomOf(2718);
    const model = new Model();
    const items = Array.from({ length: 40 }, (_, i) => addItem(model, `i${i}`, Math.floor(random() * 8), `n${i % 9}`, i % 3 !== 2)).filter((r) => r !== undefined);
    const state = new State();
    state.apply([rootRecord(), ...items].map(putItem));
    const specOf = (): PolicySpec => ({
      name: (['alpha', 'beta', 'Zed'] as const)[Math.floor(random() * 3)]!, level: ACCESS_LEVELS[Math.floor(random() * 3)]!, isDeny: random() < 0.3,
      kind: random() < 0.5 ? 'exact' : 'subtree', target: Math.floor(random() * 1000), isActive: true, isDraft: false,
      users: ['u1', 'u2', '*', 'x1', 'x2', 'x3'].filter(() => random() < 0.4), tags: ['g1', 'g2', 'g3', 'h1', 'h2'].filter(() => random() < 0.4),
      tokens: ['t1'].filter(() => random() < 0.3), serviceIdentities: ['s1', 's9'].filter(() => random() < 0.3),
    });
    for (let i = 0; i < 6; i++) model.policies.set(`keep${i}`, policyOf(model, `keep${i}`, specOf()));
    state.apply([...model.policies.values()].map(putPolicy));
    for (let round = 0; round < 30; round++) {
      const batch = Array.from({ length: 12 }, (_, i) => policyOf(model, `r${round}-${i}`, specOf()));
      for (const p of batch) model.policies.set(p.id, p);
      state.apply(batch.map(putPolicy));
      if (round % 5 === 0) expect(mismatches(state, model, ['read', 'list', 'create'])).toEqual([]);
      for (const p of batch) model.policies.delete(p.id);
      state.apply(batch.map((p) => deletePolicy(p.id)));
    }
    expect(state.grants.stats.bitRebuilds).toBeGreaterThan(0);
    expect(mismatches(state, model)).toEqual([]);
  });
});

describe('grants: liveness, members, leads', () => {
  it('a grant dies for ever with its bound item: not revived by an item made again at the path, nor by a put of the policy', () => {
    const state = stateWith(['/a/', '/a/s']);
    const u = principalOf('u');
    const p = makePolicy(state, 'p', 'Exact', '/a/s', { users: ['u'], accessLevel: 'SM_CRUD' });
    const any = makePolicy(state, 'any', 'Everything', '*', { users: ['nobody'] });
    state.apply([putPolicy(p), putPolicy(any)]);
    const read = () => decide(state, callerOf(state, u), { kind: 'item', operation: 'read', path: '/a/s' }).decision.reason;
    expect([state.isAlive(p), state.isAlive(any), read()]).toEqual([true, true, 'policy']);
    state.apply([deleteItem(idOf('/a/s'))]);
    expect([state.isAlive(p), read()]).toEqual([false, 'default_deny']);
    state.apply([putItem(itemRecord('again', idOf('/a'), 's', 'secret'))]);
    expect([state.isAlive(p), read()]).toEqual([false, 'default_deny']);
    state.apply([putPolicy(withFields(p, { name: 'Renamed' }, p.boundItemId))]);
    expect([state.grants.isAlive(p), read()]).toEqual([false, 'default_deny']);
    expect(state.grants.leadsToGrant(callerOf(state, u).members, 0, NO_FACTS)).toBe(false);
    // Permission 2 never named the item (docs/decisions.md): it still grants.
    expect(decide(state, callerOf(state, u), { kind: 'global', action: 'sm.vault.read' }).decision.reason).toBe('policy');
    expect(state.isAlive(any)).toBe(true);
  });

  it('membersOf returns the same object while the index is unchanged, a new one after an apply; only keys with active policies count', () => {
    const state = stateWith(['/a/']);
    const keys = memberKeysOf(principalOf('u', 'user', ['g']));
    state.apply([putPolicy(makePolicy(state, 'd', 'Draft', '/a', { users: ['u'], isDraft: true })), putPolicy(makePolicy(state, 'i', 'Off', '/a', { tags: ['g'], isActive: false }))]);
    const none = state.grants.membersOf(keys);
    expect(none.numbers).toEqual([]);
    expect(state.grants.membersOf(keys, none)).toBe(none);
    state.apply([putPolicy(makePolicy(state, 'p', 'On', '/a', { tags: ['g'] }))]);
    const one = state.grants.membersOf(keys, none);
    expect(one).not.toBe(none);
    expect(one.numbers).toHaveLength(1);
    expect(state.grants.membersOf(keys, one)).toBe(one);
    expect(state.grants.membersOf(keys, one)).toBe(state.grants.membersOf(keys, one));
    state.apply([putItem(itemRecord('b', idOf('/a'), 'b'))]);
    expect(state.grants.membersOf(keys, one)).not.toBe(one);
    expect(state.grants.membersOf(keys, one).numbers).toEqual(one.numbers);
  });

  it('leadsToGrant: the bound item and each directory toward it lead to a live Allow; a Deny, a sibling and another member do not', () => {
    const state = stateWith(['/a/', '/a/b/', '/a/b/c', '/x/']);
    state.apply([
      putPolicy(makePolicy(state, 'p', 'Allow', '/a/b/c', { users: ['u'] })),
      putPolicy(makePolicy(state, 'd', 'Deny', '/x/*', { users: ['u', 'v'], accessType: 'Deny' })),
    ]);
    const leads = (who: string, path: string) => state.grants.leadsToGrant(callerOf(state, principalOf(who)).members, state.items.ordinalAt(path)!, NO_FACTS);
    expect(['/', '/a', '/a/b', '/a/b/c', '/x'].map((p) => leads('u', p))).toEqual([true, true, true, true, false]);
    expect(['/', '/a', '/x'].map((p) => leads('v', p))).toEqual([false, false, false]);
  });

  it('a policy listed before its item in one apply still grants there, past the first 1024 item ordinals (the state applies items first)', () => {
    const state = new State();
    const items = [rootRecord(), ...Array.from({ length: 1100 }, (_, i) => itemRecord(`n${i}`, 'root', `n${i}`, 'secret'))];
    const late = makePolicy(undefined, 'p', 'Late', '/n1099', { users: ['u'], boundItemId: 'n1099' });
    state.apply([putPolicy(late), ...items.map(putItem)]);
    expect(decide(state, callerOf(state, principalOf('u')), { kind: 'item', operation: 'read', path: '/n1099' }).decision).toMatchObject({ reason: 'policy', policyId: 'p' });
  });
});
