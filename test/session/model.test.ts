// SPEC §3 against a model: seeded random sequences of admin creates, patches,
// deletes and reads on a small set of paths give the outcome a plain Map model
// predicts at every step, and the same tree before and after a reopen.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf } from './refusals.js';

type ModelItem = { type: 'directory' } | { type: 'secret'; value: string; version: number };

type Operation =
  | { kind: 'create'; path: string; type: 'directory' | 'secret'; value: string }
  | { kind: 'patchValue'; path: string; value: string; ifVersion?: number }
  | { kind: 'patchDescription'; path: string; description: string }
  | { kind: 'delete'; path: string }
  | { kind: 'get'; path: string };

const PATHS = ['/a', '/b', '/a/x', '/a/y', '/b/x', '/a/x/z', '/a/x/z/w'];

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), path: fc.constantFrom(...PATHS), type: fc.constantFrom('directory' as const, 'secret' as const), value: fc.string({ maxLength: 8 }) }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('patchValue' as const), path: fc.constantFrom(...PATHS), value: fc.string({ maxLength: 8 }), ifVersion: fc.integer({ min: 1, max: 4 }) },
      { requiredKeys: ['kind', 'path', 'value'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('patchDescription' as const), path: fc.constantFrom(...PATHS), description: fc.string({ maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), path: fc.constantFrom(...PATHS) }) },
);

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
const childNames = (model: Map<string, ModelItem>, dir: string): string[] =>
  [...model.keys()].filter((p) => p !== '/' && parentOf(p) === dir).map((p) => p.slice(p.lastIndexOf('/') + 1)).sort();

/** Applies `op` to the model and returns the outcome §3 predicts for an admin. */
function predict(model: Map<string, ModelItem>, op: Operation): string {
  const item = model.get(op.path);
  switch (op.kind) {
    case 'create': {
      const parent = model.get(parentOf(op.path));
      if (parent === undefined) return 'NOT_FOUND';
      if (item !== undefined) return 'ALREADY_EXISTS';
      if (parent.type === 'secret') return 'VALIDATION';
      model.set(op.path, op.type === 'directory' ? { type: 'directory' } : { type: 'secret', value: op.value, version: 1 });
      return 'ok';
    }
    case 'patchValue':
      if (item === undefined) return 'NOT_FOUND';
      if (item.type === 'directory') return 'VALIDATION';
      if (op.ifVersion !== undefined && op.ifVersion !== item.version) return 'CONFLICT';
      model.set(op.path, { type: 'secret', value: op.value, version: item.version + 1 });
      return 'ok';
    case 'patchDescription':
      return item === undefined ? 'NOT_FOUND' : 'ok';
    case 'delete':
      if (item === undefined) return 'NOT_FOUND';
      if (item.type === 'directory' && childNames(model, op.path).length > 0) return 'NOT_EMPTY';
      model.delete(op.path);
      return 'ok';
    case 'get':
      return item === undefined ? 'NOT_FOUND' : 'ok';
  }
}

function run(session: Session, op: Operation): Promise<unknown> {
  switch (op.kind) {
    case 'create':
      return session.create(op.path, op.type === 'directory' ? { type: 'directory' } : { type: 'secret', value: op.value });
    case 'patchValue':
      return session.patch(op.path, { value: op.value }, op.ifVersion === undefined ? undefined : { ifVersion: op.ifVersion });
    case 'patchDescription':
      return session.patch(op.path, { description: op.description });
    case 'delete':
      return session.delete(op.path);
    case 'get':
      return session.get(op.path);
  }
}

/** The store matches the model: every path's presence, type, value, version and children. */
async function expectMatches(session: Session, model: Map<string, ModelItem>): Promise<void> {
  for (const path of ['/', ...PATHS]) {
    const expected = model.get(path);
    if (expected === undefined) {
      expect(await outcomeOf(session.get(path)), path).toBe('NOT_FOUND');
      continue;
    }
    const item = await session.get(path);
    expect(item.type, path).toBe(expected.type);
    if (expected.type === 'secret') expect({ value: item.value, version: item.version }, path).toEqual({ value: expected.value, version: expected.version });
    else expect(item.children!.map((c) => c.name), path).toEqual(childNames(model, path));
  }
}

describeEachAdapter('§3 items against a model', (makeStore) => {
  it('seeded random operation sequences give the predicted outcome at every step and survive a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 40 }), async (operations) => {
        const t = await makeStore();
        const admin = t.store.as(ADMIN);
        const model = new Map<string, ModelItem>([['/', { type: 'directory' }]]);
        for (const [step, op] of operations.entries()) {
          const expected = predict(model, op);
          expect(await outcomeOf(run(admin, op)), `step ${step}: ${JSON.stringify(op)}`).toBe(expected);
        }
        await expectMatches(admin, model);
        const reopened = await t.reopen();
        await expectMatches(reopened.store.as(ADMIN), model);
        await reopened.store.close();
      }),
      { seed: 4242, numRuns: 40 },
    );
  });
});
