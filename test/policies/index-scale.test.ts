// SPEC §8 at scale: the policy index keeps a row of words per item ordinal in
// `rows` (the parent's ordinal, member bits telling which members have
// policies anchored there, the ACL filter), first sized for 1024 ordinals and grown by
// doubling; member bits are rebuilt after enough anchor removals. Decisions
// must stay right past those sizes: on items with ordinals beyond 1024, on
// items created after a grant while the rows grow, after a reopen (the store
// then notes every loaded item, in key order, into a new index), and through
// churn that forces the bit rebuild. A naive oracle written here decides each
// question from the list of live policies alone.

import { expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action, Decision, Store } from '../../src/index.js';
import { engineOf as storeEngineOf } from '../../src/store.js';
import { Grants } from '../../src/core/state/grants.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { grant, tree, type GrantOptions, type Level } from './helpers.js';

// ---------------------------------------------------------------- the oracle

interface Who {
  readonly id: string;
  readonly groups: readonly string[];
}

/** A live policy as the oracle sees it. */
interface Rule {
  readonly id: string;
  readonly name: string;
  readonly resource: string;
  readonly isDeny: boolean;
  readonly level: Level;
  readonly users: readonly string[];
  readonly tags: readonly string[];
}

/** The item actions each access level lists (SPEC §5), written out again here on purpose. */
const LEVEL_ACTIONS: Readonly<Record<Level, readonly string[]>> = {
  SM_View: ['sm.node.list', 'sm.secret.read'],
  SM_CRUD: ['sm.node.create', 'sm.node.delete', 'sm.node.list', 'sm.secret.read', 'sm.secret.update'],
  SM_Manage: ['sm.node.create', 'sm.node.delete', 'sm.node.list', 'sm.secret.read', 'sm.secret.update'],
};

/** `*` covers everything, `/a/*` covers `/a` and everything below it, `/a` covers `/a` only. */
function covers(resource: string, path: string): boolean {
  if (resource === '*') return true;
  if (resource.endsWith('/*')) {
    const base = resource.slice(0, -2);
    return path === base || path.startsWith(base + '/');
  }
  return path === resource;
}

/** The item a resource is bound to (`/a` for `/a/*`); undefined for `*`. */
const boundPathOf = (resource: string) => (resource === '*' ? undefined : resource.endsWith('/*') ? resource.slice(0, -2) : resource);

/** By name (lower-cased, UTF-16 order), then id. */
function firstByNameThenId(rules: readonly Rule[]): Rule {
  return [...rules].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x !== y ? (x < y ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  })[0]!;
}

const DEFAULT_DENY = { allowed: false, effect: 'deny', reason: 'default_deny' };
const allowedBy = (policyId: string) => ({ allowed: true, effect: 'allow', reason: 'policy', policyId });

/** What a decision should be, as a comparable tuple. */
type Answer = readonly [allowed: boolean, effect: string, reason: string, policyId: string | null];
const answerOf = (d: Decision): Answer => [d.allowed, d.effect, d.reason, d.policyId ?? null];
const sameAnswer = (a: Answer, b: Answer) => a.every((v, i) => v === b[i]);

/** The live policies of a store, kept in step with the calls that change them, and §8 decided naively from them. */
class Oracle {
  readonly rules = new Map<string, Rule>();

  async create(admin: ReturnType<Store['as']>, name: string, resource: string, options: GrantOptions = {}): Promise<Rule> {
    const view = await grant(admin, name, resource, options);
    const rule: Rule = {
      id: view.id,
      name,
      resource,
      isDeny: options.accessType === 'Deny',
      level: options.accessLevel ?? 'SM_View',
      users: options.users ?? [],
      tags: options.tags ?? [],
    };
    this.rules.set(rule.id, rule);
    return rule;
  }

  /** The id of the live policy named `name`. */
  named(name: string): string {
    const rule = [...this.rules.values()].find((r) => r.name === name);
    if (rule === undefined) throw new Error(`no live policy named ${name}`);
    return rule.id;
  }

  async delete(admin: ReturnType<Store['as']>, id: string): Promise<void> {
    await admin.policies.delete(id);
    this.rules.delete(id);
  }

  /** The item at `path` was deleted: the policies bound to it grant nothing, for ever (SPEC §6.2). */
  itemDeleted(path: string): void {
    for (const [id, rule] of this.rules) if (boundPathOf(rule.resource) === path) this.rules.delete(id);
  }

  /** §8 steps 2, 4 and 6 (no ACL entries and no conditions in these stores): a Deny wins, then an Allow, else default deny. */
  decide(who: Who, action: string, path: string): Answer {
    const applying = [...this.rules.values()].filter(
      (r) => LEVEL_ACTIONS[r.level].includes(action) && (r.users.includes(who.id) || r.tags.some((t) => who.groups.includes(t))) && covers(r.resource, path),
    );
    const denies = applying.filter((r) => r.isDeny);
    if (denies.length > 0) return [false, 'deny', 'explicit_deny', firstByNameThenId(denies).id];
    const allows = applying.filter((r) => !r.isDeny);
    if (allows.length > 0) return [true, 'allow', 'policy', firstByNameThenId(allows).id];
    return [false, 'deny', 'default_deny', null];
  }

  /** Every (principal, action, path) whose `can()` answer differs from the oracle's, readably. */
  async disagreements(store: Store, people: readonly Who[], questions: readonly (readonly [action: string, path: string])[]): Promise<string[]> {
    const nameOf = (id: string | null) => (id === null ? '' : ` ${this.rules.get(id)?.name ?? id}`);
    const wrong: string[] = [];
    for (const who of people) {
      const session = store.as({ id: who.id, groups: [...who.groups] });
      for (const [action, path] of questions) {
        const got = answerOf(await session.can(action as Action, path));
        const want = this.decide(who, action, path);
        if (!sameAnswer(got, want)) wrong.push(`${who.id} ${action} ${path}: got ${got[2]}${nameOf(got[3])}, want ${want[2]}${nameOf(want[3])}`);
      }
    }
    return wrong;
  }
}

/** Asserts no answer differs from the oracle (listing the first few that do). */
async function expectOracleAgrees(oracle: Oracle, store: Store, people: readonly Who[], questions: readonly (readonly [string, string])[], when: string): Promise<void> {
  const wrong = await oracle.disagreements(store, people, questions);
  expect(wrong.slice(0, 15), `${when}: ${wrong.length} of ${people.length * questions.length} answers differ from the oracle`).toEqual([]);
}

// ---------------------------------------------------------------- index internals, read only to check each test's premise

const engineOf = (store: Store) => storeEngineOf(store)!;
const ordinalOf = (store: Store, path: string): number => engineOf(store).state().items.at(path)!.ordinal;
const statsOf = (store: Store) => engineOf(store).state().grants.stats;
const rowCapacityOf = (store: Store): number => statsOf(store).rowCapacity;
/** How many ordinals the rows hold at first. */
const FIRST_ORDINALS = new Grants().stats.rowCapacity;

// ---------------------------------------------------------------- the tree

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The scale tree, in creation order (a trailing `/` marks a directory): /zz
 * with FILLER empty directories first (cheaper to create than secrets), so
 * that everything created after it — eight directories d0..d7, each with ten
 * secrets, `sub` with five and `sub/deep` with three — has an ordinal past the
 * rows' first size. On reopen the ordinals follow key order instead: /d*
 * come first and /zz's last directories are the ones past it.
 */
const FILLER = FIRST_ORDINALS + 6;
function scaleTree(): string[] {
  const out = ['/zz/'];
  for (let i = 0; i < FILLER; i++) out.push(`/zz/f${pad(i, 4)}/`);
  for (let d = 0; d < 8; d++) {
    out.push(`/d${d}/`);
    for (let s = 0; s < 10; s++) out.push(`/d${d}/s${s}`);
    out.push(`/d${d}/sub/`);
    for (let s = 0; s < 5; s++) out.push(`/d${d}/sub/s${s}`);
    out.push(`/d${d}/sub/deep/`);
    for (let s = 0; s < 3; s++) out.push(`/d${d}/sub/deep/s${s}`);
  }
  return out;
}
const SCALE_PATHS = ['/', ...scaleTree().map((p) => (p.endsWith('/') ? p.slice(0, -1) : p))];
const DIRECTORIES = scaleTree().filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1));
/** Paths that do not exist (decided from their deepest existing ancestor). */
const MISSING = ['/nope', '/nope/deeper', '/zz/missing', '/d0/missing', '/d1/sub/missing', '/d6/sub/deep/missing/x', '/d7/missing'];
const LAST_FILLER = `/zz/f${pad(FILLER - 1, 4)}`;
const LATE_FILLER = `/zz/f${pad(FILLER - 10, 4)}`;

/** Reading every path; deleting every path but the root and /zz's first directories (no policy tells those apart: time saved). */
const questionsOn = (paths: readonly string[]) => [
  ...paths.map((p) => ['sm.secret.read', p] as const),
  ...paths.filter((p) => p !== '/' && !(p.startsWith('/zz/f') && p < LATE_FILLER)).map((p) => ['sm.node.delete', p] as const),
];

const PEOPLE: readonly Who[] = [
  { id: 'alice', groups: ['ops'] },
  { id: 'bob', groups: ['dev'] },
  { id: 'carol', groups: ['ops', 'dev'] },
  { id: 'erin', groups: [] },
  { id: 'dave', groups: ['auditors'] }, // no policy names dave or auditors: default deny everywhere
];

/** The base policies: names are distinct so "by name then id" is by name; the comments say which rule each pair shows. */
const BASE: readonly (readonly [name: string, resource: string, options: GrantOptions])[] = [
  ['Alpha allow alice d0', '/d0/*', { users: ['alice'] }],
  ['Bravo deny alice d0 s7', '/d0/s7', { users: ['alice'], accessType: 'Deny' }], // an exact Deny inside a subtree Allow
  ['Charlie allow ops d1', '/d1/*', { tags: ['ops'], accessLevel: 'SM_CRUD' }],
  ['Delta deny dev d1 sub', '/d1/sub/*', { tags: ['dev'], accessType: 'Deny', accessLevel: 'SM_CRUD' }], // carol is in ops and dev
  ['Echo allow bob d2 deep s2', '/d2/sub/deep/s2', { users: ['bob'] }], // exact, three levels down
  ['Foxtrot deny ops d3', '/d3/*', { tags: ['ops'], accessType: 'Deny' }], // SM_View: blocks reading, not deleting
  ['Golf allow carol d3', '/d3/*', { users: ['carol'], accessLevel: 'SM_CRUD' }],
  ['Juliet allow ops d4 s2', '/d4/s2', { tags: ['ops'] }], // first by name over November for alice
  ['Kilo deny bob d5 s1', '/d5/s1', { users: ['bob'], accessType: 'Deny' }], // first by name over Mike
  ['Lima allow dev d5', '/d5/*', { tags: ['dev'], accessLevel: 'SM_CRUD' }],
  ['Mike deny dev d5', '/d5/*', { tags: ['dev'], accessType: 'Deny' }],
  ['November allow alice d4', '/d4/*', { users: ['alice'] }],
  ['Oscar allow alice d6 exact', '/d6', { users: ['alice'] }], // the directory itself, nothing below it
  ['Papa allow bob d6 deep', '/d6/sub/deep/*', { users: ['bob'], accessLevel: 'SM_Manage' }],
  ['Quebec deny bob d6 sub', '/d6/sub/*', { users: ['bob'], accessType: 'Deny', accessLevel: 'SM_CRUD' }], // an ancestor's Deny beats a deeper Allow
  ['Romeo allow dev zz', '/zz/*', { tags: ['dev'] }],
  ['Sierra deny dev zz last', LAST_FILLER, { tags: ['dev'], accessType: 'Deny' }],
  ['Tango allow carol zz late', LATE_FILLER, { users: ['carol'], accessLevel: 'SM_CRUD' }],
  ['Uniform allow erin everything', '*', { users: ['erin'] }],
  ['Victor deny erin d7', '/d7/*', { users: ['erin'], accessType: 'Deny' }],
  ['Whiskey allow several d7 sub', '/d7/sub/*', { users: ['alice', 'erin'], tags: ['ops'] }],
];

// ---------------------------------------------------------------- churn

/** 48 users and 4 groups besides the base members: more than 32 member numbers in all, so members share bits. */
const CHURN_USERS = Array.from({ length: 48 }, (_, i) => `u${pad(i, 2)}`);
const CHURN_GROUPS = ['g0', 'g1', 'g2', 'g3'];
const CHURN_PEOPLE: readonly Who[] = [
  { id: 'u00', groups: ['g0'] },
  { id: 'u07', groups: [] },
  { id: 'u33', groups: ['g1', 'g3'] },
  { id: 'u40', groups: ['g2'] },
  { id: 'u47', groups: ['g0', 'g2'] },
];
/** Exact resources on /d* and /zz's last items, subtree resources on every directory but the filler's, and `*`. */
const CHURN_TARGETS = [
  ...SCALE_PATHS.filter((p) => p !== '/' && !(p.startsWith('/zz/') && p < LATE_FILLER)),
  ...DIRECTORIES.filter((d) => !d.startsWith('/zz/') || d >= LATE_FILLER).map((d) => `${d}/*`),
  '*',
];

type ChurnStep =
  | { readonly kind: 'create'; readonly prefix: string; readonly target: number; readonly isDeny: boolean; readonly isCrud: boolean; readonly users: number[]; readonly groups: number[] }
  | { readonly kind: 'delete'; readonly pick: number };

const churnStep: fc.Arbitrary<ChurnStep> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      prefix: fc.constantFrom('a', 'k', 'n', 'z'), // sorts before, among and after the base names
      target: fc.nat(),
      isDeny: fc.boolean(),
      isCrud: fc.boolean(),
      users: fc.uniqueArray(fc.integer({ min: 0, max: CHURN_USERS.length - 1 }), { maxLength: 2 }),
      groups: fc.uniqueArray(fc.integer({ min: 0, max: CHURN_GROUPS.length - 1 }), { maxLength: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
);

// ---------------------------------------------------------------- the tests

describeEachAdapter('decisions past the policy index first sizes', (makeStore) => {
  it(`on a tree of ${SCALE_PATHS.length} items with grants on items past ordinal ${FIRST_ORDINALS}, can() agrees with a naive oracle: as built, through churn that rebuilds the member bits, after re-creating bound items, after reopening`, async () => {
    {
      const t = await makeStore();
      const rebuilds = () => statsOf(t.store).bitRebuilds;
      const admin = t.store.as(ADMIN);
      const oracle = new Oracle();
      await tree(admin, scaleTree());
      for (const [name, resource, options] of BASE) await oracle.create(admin, name, resource, options);
      // Premise: the policies on /d* sit on items past the rows' first size, which therefore grew.
      for (const path of ['/d0', '/d0/s7', '/d2/sub/deep/s2', '/d7/sub']) expect(ordinalOf(t.store, path), path).toBeGreaterThanOrEqual(FIRST_ORDINALS);
      expect(rowCapacityOf(t.store)).toBeGreaterThan(FIRST_ORDINALS);
      const questions = questionsOn([...SCALE_PATHS, ...MISSING]);
      await expectOracleAgrees(oracle, t.store, PEOPLE, questions, 'as built');

      // Churn (seeded property): each run creates and deletes policies at random, comparing after every
      // step, then deletes what it left, so every run starts from the base policies. The removals add up
      // across runs past anchors + 64, more than once: the member bits are rebuilt between runs and within them.
      const people = [...PEOPLE, ...CHURN_PEOPLE];
      const probes = questionsOn(['/d0/s7', '/d5/s1', '/d6/sub/deep/s0', LAST_FILLER]);
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(churnStep, { minLength: 30, maxLength: 60 }), async (steps) => {
          const mine: string[] = [];
          try {
            for (const step of steps) {
              let touched: string;
              if (step.kind === 'create') {
                const resource = CHURN_TARGETS[step.target % CHURN_TARGETS.length]!;
                const noMembers = step.users.length + step.groups.length === 0;
                const rule = await oracle.create(admin, `${step.prefix} churn ${pad(++counter, 4)}`, resource, {
                  users: noMembers ? [CHURN_USERS[step.target % CHURN_USERS.length]!] : step.users.map((i) => CHURN_USERS[i]!),
                  tags: step.groups.map((i) => CHURN_GROUPS[i]!),
                  accessType: step.isDeny ? 'Deny' : 'Allow',
                  accessLevel: step.isCrud ? 'SM_CRUD' : 'SM_View',
                });
                mine.push(rule.id);
                touched = boundPathOf(resource) ?? '/d1/s1';
              } else {
                if (mine.length === 0) continue;
                const [id] = mine.splice(step.pick % mine.length, 1) as [string];
                touched = boundPathOf(oracle.rules.get(id)!.resource) ?? '/d1/s1';
                await oracle.delete(admin, id);
              }
              await expectOracleAgrees(oracle, t.store, people, [...probes, ...questionsOn([touched])], `after ${JSON.stringify(step)}`);
            }
            await expectOracleAgrees(oracle, t.store, people, questionsOn(SCALE_PATHS.filter((_, i) => i % 4 === 0)), 'at the end of a churn run');
          } finally {
            for (const id of mine) await oracle.delete(admin, id);
          }
        }),
        { seed: 0x1dec_0001, numRuns: 4, endOnFailure: true },
      );
      // Wide policies (every churn user and group) placed and removed in cycles: enough removals to pass
      // the rebuild threshold (a quarter of the rows' and table's capacity) more than once.
      for (let cycle = 0; cycle < 4; cycle++) {
        const wide: string[] = [];
        for (let k = 0; k < 8; k++) {
          const resource = CHURN_TARGETS[(cycle * 8 + k) * 7 % CHURN_TARGETS.length]!;
          const rule = await oracle.create(admin, `w churn ${pad(++counter, 4)}`, resource, { users: CHURN_USERS, tags: CHURN_GROUPS, accessType: k % 3 === 0 ? 'Deny' : 'Allow' });
          wide.push(rule.id);
        }
        await expectOracleAgrees(oracle, t.store, people, probes, `with the wide policies of cycle ${cycle}`);
        for (const id of wide) await oracle.delete(admin, id);
        await expectOracleAgrees(oracle, t.store, people, probes, `after removing the wide policies of cycle ${cycle}`);
      }
      expect(rebuilds(), 'member-bit rebuilds during the churn').toBeGreaterThanOrEqual(2); // premise
      expect([...oracle.rules.values()].map((r) => r.name).sort()).toEqual(BASE.map(([name]) => name).sort());
      await expectOracleAgrees(oracle, t.store, people, questions, 'after the churn');

      // A policy bound to a deleted item grants (or denies) nothing on a new item at its path (SPEC §6.2).
      const d7sub = SCALE_PATHS.filter((p) => p === '/d7/sub' || p.startsWith('/d7/sub/'));
      for (const path of ['/d2/sub/deep/s2', LAST_FILLER, ...[...d7sub].reverse()]) {
        await admin.delete(path);
        oracle.itemDeleted(path);
      }
      await tree(admin, ['/d2/sub/deep/s2', `${LAST_FILLER}/`, ...d7sub.map((p) => (DIRECTORIES.includes(p) ? `${p}/` : p))]);
      expect(await t.store.as({ id: 'bob' }).can('sm.secret.read', '/d2/sub/deep/s2')).toEqual(DEFAULT_DENY); // was Echo's
      expect(await t.store.as({ id: 'alice', groups: ['ops'] }).can('sm.secret.read', '/d7/sub/deep/s1')).toEqual(DEFAULT_DENY); // was Whiskey's
      expect(await t.store.as({ id: 'bob', groups: ['dev'] }).can('sm.secret.read', LAST_FILLER)).toEqual(allowedBy(oracle.named('Romeo allow dev zz'))); // Sierra's Deny is gone
      await expectOracleAgrees(oracle, t.store, people, questions, 'after re-creating');

      const reopened = await t.reopen();
      // Premise: the reopened store has items past the rows' first size again (ordinals are given in load order).
      expect(Math.max(...SCALE_PATHS.map((path) => ordinalOf(reopened.store, path)))).toBeGreaterThanOrEqual(FIRST_ORDINALS);
      await expectOracleAgrees(oracle, reopened.store, people, questions, 'after reopening');
    }
  });

  it(`items created after open at ordinals past the rows' length (${FIRST_ORDINALS} and on) are decided by the grants on their directory, made before and after the rows grew`, async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    const oracle = new Oracle();
    // Exactly FIRST_ORDINALS items, the root included: /new, two secrets and its grants, then filler.
    await tree(admin, ['/new/', '/new/s00', '/new/s01']);
    await oracle.create(admin, 'Allow bob new', '/new/*', { users: ['bob'] });
    await oracle.create(admin, 'Deny ops new', '/new/*', { tags: ['ops'], accessType: 'Deny' });
    await oracle.create(admin, 'Allow carol new s01', '/new/s01', { users: ['carol'], accessLevel: 'SM_CRUD' });
    await tree(admin, ['/zz/', ...Array.from({ length: FIRST_ORDINALS - 5 }, (_, i) => `/zz/f${pad(i, 4)}/`)]);
    const people = [...PEOPLE, { id: 'oscar', groups: ['ops'] }];
    const before = ['/', '/new', '/new/s00', '/new/s01', '/new/missing', '/zz', '/zz/f0000'];
    await expectOracleAgrees(oracle, t.store, people, questionsOn(before), 'as built');

    const reopened = await t.reopen();
    const store = reopened.store;
    // Premise: the loaded items fill the rows exactly; the next item is past their length.
    expect(rowCapacityOf(store)).toBe(FIRST_ORDINALS);
    await expectOracleAgrees(oracle, store, people, questionsOn(before), 'after reopening');
    const below = Array.from({ length: 60 }, (_, i) => `/new/s${pad(i + 2, 2)}`);
    await tree(store.as(ADMIN), [...below, '/new/sub/', '/new/sub/deep/', '/new/sub/deep/s']);
    expect(ordinalOf(store, below[0]!)).toBe(FIRST_ORDINALS); // premise: the rows grew for it
    expect(rowCapacityOf(store)).toBeGreaterThan(FIRST_ORDINALS);
    // Grants made after the growth, on items past it.
    await oracle.create(store.as(ADMIN), 'Allow carol new deep', '/new/sub/deep/*', { users: ['carol'], accessLevel: 'SM_CRUD' });
    await oracle.create(store.as(ADMIN), 'Deny bob new s61', '/new/s61', { users: ['bob'], accessType: 'Deny' });
    const after = [...before, ...below, '/new/sub', '/new/sub/deep', '/new/sub/deep/s', '/new/sub/missing'];
    await expectOracleAgrees(oracle, store, people, questionsOn(after), 'items created after reopening');
    // The grant's answer itself, so the rule does not rest on the oracle alone.
    const bob = store.as({ id: 'bob' });
    expect(await bob.can('sm.secret.read', '/new/s30')).toEqual(allowedBy(oracle.named('Allow bob new')));
    expect((await bob.get('/new/s45')).value).toBe('value of /new/s45');

    const again = await reopened.reopen();
    await expectOracleAgrees(oracle, again.store, people, questionsOn(after), 'after reopening again');
  });

  it('a refused or invalid create takes no ordinal, so callers without rights cannot grow the index rows', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await tree(admin, ['/d/', '/d/s0']);
    const first = ordinalOf(t.store, '/d/s0');
    const capacity = rowCapacityOf(t.store);
    const stranger = t.store.as({ id: 'stranger' });
    for (let i = 0; i < 3 * FIRST_ORDINALS; i++) {
      await expect(stranger.create(`/d/x${i}`, { type: 'secret', value: 'v' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(admin.create('/d/s0', { type: 'secret', value: 'v' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(admin.create('/d/bad', { type: 'nonsense' } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await admin.create('/d/s1', { type: 'secret', value: 'v' });
    expect(ordinalOf(t.store, '/d/s1')).toBe(first + 1);
    expect(rowCapacityOf(t.store)).toBe(capacity);
  });

  it('member bits are rebuilt only for anchors really removed, at most once per quarter of the index capacity in removals: updating a policy with many members in place never rebuilds', async () => {
    {
      const t = await makeStore();
      const before = statsOf(t.store).bitRebuilds;
      const rebuilds = () => statsOf(t.store).bitRebuilds - before;
      const admin = t.store.as(ADMIN);
      await tree(admin, ['/d/', '/d/s']);
      const users = Array.from({ length: 200 }, (_, i) => `wide${i}`);
      const policy = await grant(admin, 'wide', '/d/*', { users });
      const updates = 40;
      for (let i = 0; i < updates; i++) await admin.policies.update(policy.id, { description: `update ${i}` });
      // Each update removes and puts back its 200 anchors in one change: nothing is stale, nothing to rebuild.
      expect(rebuilds()).toBe(0);
      // Deleting wide policies does leave stale bits: one rebuild per quarter of the capacity in removals at most.
      const stats = statsOf(t.store);
      const threshold = (stats.rowCapacity + stats.anchorCapacity) / 4;
      let removals = 0;
      for (let i = 0; i < 12; i++) {
        const other = await grant(admin, `wide ${i}`, i % 2 === 0 ? '/d/*' : '/d/s', { users });
        await admin.policies.delete(other.id);
        removals += users.length;
      }
      expect(rebuilds()).toBeGreaterThanOrEqual(1);
      expect(rebuilds()).toBeLessThanOrEqual(Math.ceil(removals / threshold));
      // And the answers are still the policy's.
      expect(await t.store.as({ id: 'wide7' }).can('sm.secret.read', '/d/s')).toEqual(allowedBy(policy.id));
      expect(await t.store.as({ id: 'narrow' }).can('sm.secret.read', '/d/s')).toEqual(DEFAULT_DENY);
    }
  });
});
