// End to end: crash safety. A child process (crash-writer.mjs, on the built
// package) runs a seeded sequence of operations on a LevelDB store and prints
// each one it begins and each one acknowledged; the test kills it with
// SIGKILL at a chosen point, reopens the store and checks that it holds every
// acknowledged operation and nothing half-written: the state is exactly the
// acknowledged history, or that plus the one operation in flight. Rounds run
// on the same directory, so each round also starts from a crash-recovered store.

import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, E2E_DIR, hex, newKey, requireDist, snapshot, sortAcl, useCleanup, type AclEntryShape } from './helpers.js';
import { spawnNode, useChildren } from './processes.js';

const { tempDir, track } = useCleanup();
useChildren();

const WRITER = path.join(E2E_DIR, 'crash-writer.mjs');

/** As in crash-writer.mjs. */
function valueOf(tag: string, length: number): string {
  let text = `${tag}|`;
  while (text.length < length) text += tag;
  return text.slice(0, length);
}

// ---------------------------------------------------------------- the model

interface ModelItem {
  type: 'directory' | 'secret';
  id?: string; // unknown for an item whose create was in flight
  description?: string;
  version?: number;
  value?: string;
  acl: AclEntryShape[];
}

interface ModelPolicy {
  resource: string;
  accessLevel: string;
  members: string[];
  id?: string;
}

interface Model {
  items: Record<string, ModelItem>;
  policies: Record<string, ModelPolicy>;
}

type Operation =
  | { op: 'mkdir'; path: string }
  | { op: 'secret'; path: string; tag: string; length: number }
  | { op: 'patch'; path: string; tag: string; length: number }
  | { op: 'describe'; path: string; description: string }
  | { op: 'delete'; path: string }
  | { op: 'grant'; path: string; entity: { type: string; id: string }; access: string }
  | { op: 'revoke'; path: string; entity: { type: string; id: string } }
  | { op: 'policy'; name: string; resource: string; accessLevel: string; member: string };

interface Ack {
  id?: string;
  version?: number;
}

function parentOf(at: string): string {
  const cut = at.lastIndexOf('/');
  return cut === 0 ? '/' : at.slice(0, cut);
}

function sameEntity(a: { type: string; id: string }, b: { type: string; id: string }): boolean {
  return a.type === b.type && a.id === b.id;
}

/** The model after `o`, applied independently of the library; `ack` is what the writer saw (absent for the operation in flight). */
function apply(model: Model, o: Operation, ack: Ack | undefined): Model {
  const next: Model = structuredClone(model);
  const item = (at: string): ModelItem => {
    const found = next.items[at];
    if (found === undefined) throw new Error(`the model has no ${at} for ${JSON.stringify(o)}`);
    return found;
  };
  switch (o.op) {
    case 'mkdir':
    case 'secret': {
      const created: ModelItem = { type: o.op === 'mkdir' ? 'directory' : 'secret', acl: structuredClone(item(parentOf(o.path)).acl) };
      if (ack?.id !== undefined) created.id = ack.id;
      if (o.op === 'secret') {
        created.version = 1;
        created.value = valueOf(o.tag, o.length);
      }
      next.items[o.path] = created;
      break;
    }
    case 'patch': {
      const target = item(o.path);
      target.version = target.version! + 1;
      target.value = valueOf(o.tag, o.length);
      if (ack?.version !== undefined) expect(ack.version, `version acknowledged for ${o.path}`).toBe(target.version);
      break;
    }
    case 'describe':
      item(o.path).description = o.description;
      break;
    case 'delete':
      delete next.items[o.path];
      break;
    case 'grant': {
      const target = item(o.path);
      target.acl = sortAcl([...target.acl.filter((e) => !sameEntity(e.entity, o.entity)), { entity: o.entity, access: o.access }]);
      break;
    }
    case 'revoke': {
      const target = item(o.path);
      target.acl = target.acl.filter((e) => !sameEntity(e.entity, o.entity));
      break;
    }
    case 'policy': {
      const policy: ModelPolicy = { resource: o.resource, accessLevel: o.accessLevel, members: [o.member] };
      if (ack?.id !== undefined) policy.id = ack.id;
      next.policies[o.name] = policy;
      break;
    }
  }
  return next;
}

/** What the store holds, in the model's shape (built-in policies left out). */
async function observe(dir: string, key: Uint8Array): Promise<{ model: Model; store: Store }> {
  const store = track(await openStore({ adapter: levelAdapter(dir), key }));
  // Walks every item from `/` as an admin: every secret's value must decrypt.
  const seen = await snapshot(store);
  const items: Record<string, ModelItem> = {};
  for (const [at, shape] of Object.entries(seen.items)) {
    const item: ModelItem = { type: shape.type, id: shape.id, acl: shape.acl };
    if (shape.description !== undefined) item.description = shape.description;
    if (shape.type === 'secret') {
      item.version = shape.version!;
      item.value = shape.value!;
    }
    items[at] = item;
  }
  const policies: Record<string, ModelPolicy> = {};
  for (const view of Object.values(seen.policies) as Array<{ id: string; name: string; isReadOnly: boolean; resource: string; accessLevel: string; members: { users: Array<{ id: string }> } }>) {
    if (view.isReadOnly) continue;
    policies[view.name] = { resource: view.resource, accessLevel: view.accessLevel, members: view.members.users.map((u) => u.id), id: view.id };
  }
  return { model: { items, policies }, store };
}

/** `expected` with the ids it does not know (an in-flight create's) taken from `actual`. */
function withUnknownIds(expected: Model, actual: Model): Model {
  const filled = structuredClone(expected);
  for (const [at, item] of Object.entries(filled.items)) if (item.id === undefined && actual.items[at] !== undefined) item.id = actual.items[at]!.id;
  for (const [name, policy] of Object.entries(filled.policies)) if (policy.id === undefined && actual.policies[name] !== undefined) policy.id = actual.policies[name]!.id;
  return filled;
}

// ---------------------------------------------------------------- one round

interface RoundResult {
  acknowledged: number;
  inFlight: Operation | undefined;
  model: Model;
  matched: 'acknowledged' | 'acknowledged + in flight';
}

type KillOn = 'ready' | 'ack' | 'begin' | 'sync' | 'immediate';

/**
 * Runs the writer on `dir` and kills it with SIGKILL when it is ready, or when
 * it prints its `count`-th ack (just after an operation resolved) or begin
 * (just before an operation writes: the kill may land inside the batch);
 * then checks the reopened store against `model` plus what the writer
 * acknowledged. With 'sync' or 'immediate' the writer kills itself inside
 * the adapter batch of its operation number `count` (see crash-writer.mjs).
 * Returns the state found.
 */
async function crashRound(dir: string, key: Uint8Array, round: number, seed: number, killOn: KillOn, count: number, model: Model): Promise<RoundResult> {
  const selfKill = killOn === 'sync' || killOn === 'immediate' ? [String(count), killOn] : [];
  const child = spawnNode(WRITER, [dir, hex(key), String(round), String(seed), ...selfKill]);
  let seen = 0;
  child.onLine((line) => {
    if (line.includes(`"t":"${killOn}"`) && ++seen === count) child.kill('SIGKILL');
  });
  const status = await child.exited;
  if (status.signal !== 'SIGKILL') {
    throw new Error(`the writer was not killed (code ${String(status.code)}, signal ${String(status.signal)}): stderr:\n${child.stderr()}`);
  }
  expect(child.lines.some((line) => line.includes('"t":"ready"')), `stderr: ${child.stderr()}`).toBe(true);

  // Replay what the writer printed: begin → in flight; ack → acknowledged.
  let current = model;
  let inFlight: Operation | undefined;
  let acknowledged = 0;
  child.lines.forEach((line, index) => {
    let message: { t: string; n?: number } & Record<string, unknown>;
    try {
      message = JSON.parse(line) as typeof message;
    } catch (error) {
      // Only a last line cut by the kill may be incomplete.
      if (index === child.lines.length - 1) return;
      throw error;
    }
    if (message.t === 'begin') {
      expect(inFlight, 'one operation at a time').toBeUndefined();
      const { t: _t, n: _n, ...operation } = message;
      inFlight = operation as unknown as Operation;
    } else if (message.t === 'ack') {
      expect(inFlight, `an ack without a begin: ${line}`).toBeDefined();
      current = apply(current, inFlight!, message as Ack);
      inFlight = undefined;
      acknowledged++;
    }
  });
  expect(acknowledged).toBeGreaterThanOrEqual(killOn === 'ack' ? count : killOn === 'begin' ? count - 1 : killOn === 'ready' ? 0 : count);
  if (killOn === 'sync' || killOn === 'immediate') expect(acknowledged, 'killed inside its batch').toBe(count);

  const { model: actual, store } = await observe(dir, key);
  const candidates: Array<[RoundResult['matched'], Model]> = [['acknowledged', withUnknownIds(current, actual)]];
  if (inFlight !== undefined) candidates.push(['acknowledged + in flight', withUnknownIds(apply(current, inFlight, undefined), actual)]);
  const match = candidates.find(([, candidate]) => isDeepStrictEqual(candidate, actual));
  if (match === undefined) {
    // Show the difference against the acknowledged history.
    expect(actual, `round ${round}: the state is neither the acknowledged history nor that plus ${JSON.stringify(inFlight)}`).toEqual(candidates[0]![1]);
  }

  // The recovered store takes writes: one more, kept in the model.
  const after = `/after-round-${round}`;
  const created = await store.as(ADMIN).create(after, { type: 'secret', value: `written after round ${round}` });
  await store.close();
  const result = structuredClone(match![1]);
  result.items[after] = { type: 'secret', id: created.id, version: 1, value: `written after round ${round}`, acl: structuredClone(result.items['/']!.acl) };
  return { acknowledged, inFlight, model: result, matched: match![0] };
}

describe('crash safety: a SIGKILLed writer leaves every acknowledged operation and nothing half-written', () => {
  it('keeps every acknowledged operation, whole, over rounds killed at different points (each round on the crash-recovered store)', async () => {
    requireDist();
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    // The first model is a new store: the root, with no ACL entry. Opened here so the root's id is known.
    {
      const first = await openStore({ adapter: levelAdapter(dir), key });
      await first.close();
    }
    const initial = await observe(dir, key);
    await initial.store.close();
    let model = initial.model;
    expect(Object.keys(model.items)).toEqual(['/']);

    const rounds: Array<[seed: number, killOn: KillOn, count: number]> = [
      [101, 'ready', 1],
      [202, 'ack', 3],
      [303, 'begin', 17],
      [404, 'ack', 45],
      [505, 'begin', 80],
      [606, 'begin', 150],
      [707, 'sync', 9],
      [808, 'immediate', 30],
      [909, 'sync', 61],
      [1010, 'immediate', 5],
    ];
    const log: string[] = [];
    for (const [index, [seed, killOn, count]] of rounds.entries()) {
      const result = await crashRound(dir, key, index + 1, seed, killOn, count, model);
      log.push(`round ${index + 1}: killed at ${killOn} #${count}, ${result.acknowledged} acknowledged, in flight: ${result.inFlight?.op ?? 'none'}, found: ${result.matched}`);
      model = result.model;
    }
    // Something was written and kept.
    expect(Object.keys(model.items).length, log.join('\n')).toBeGreaterThan(20);
  }, 120_000); // ~4 s alone; ten child processes on a loaded 2-core machine take longer

  it('leaves a usable store when killed while openStore creates it (before, inside or after its creation batch)', async () => {
    requireDist();
    const ways: Array<[string, string[]]> = [
      ['killed by the parent when the writer starts opening', []],
      ['killing itself right after handing over the creation batch', ['create', 'sync']],
      ['killing itself on the next turn after the creation batch started', ['create', 'immediate']],
    ];
    for (const [way, extra] of ways) {
      const dir = path.join(tempDir(), 'db');
      const key = newKey();
      const child = spawnNode(WRITER, [dir, hex(key), '1', '1', ...extra]);
      if (extra.length === 0) {
        child.onLine((line) => {
          if (line.includes('"t":"opening"')) child.kill('SIGKILL');
        });
      }
      const status = await child.exited;
      expect(status.signal, `${way}: ${child.stderr()}`).toBe('SIGKILL');
      expect(child.lines.some((line) => line.includes('"t":"ready"')), way).toBe(false);
      // Whatever the kill interrupted, the directory opens as an empty store (new or created).
      const store = track(await openStore({ adapter: levelAdapter(dir), key }));
      const seen = await snapshot(store);
      expect(Object.keys(seen.items), way).toEqual(['/']);
      expect(Object.values(seen.policies).map((p) => (p as { name: string }).name).sort(), way).toEqual(['SMAdminPolicy', 'SMAuditorPolicy']);
      await store.as(ADMIN).create('/works', { type: 'secret', value: 'yes' });
      await store.close();
      const again = track(await openStore({ adapter: levelAdapter(dir), key }));
      expect((await again.as(ADMIN).get('/works')).value).toBe('yes');
      await again.close();
    }
  }, 60_000);
});
