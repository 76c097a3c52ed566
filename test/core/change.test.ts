// change.ts: a core operation's records, and the deltas the state applies once
// they are written. Each record kind makes one delta (a put or a delete), a
// secret value makes none, and a change keeps its records' order.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { newRequest } from '../../src/core/approvals.js';
import { changeOf, deltaOf, noChange, type RecordChange } from '../../src/core/change.js';
import { itemRecord, makePolicy } from './state-fixtures.js';

const item = itemRecord('i1', 'root', 'a', 'secret');
const policy = makePolicy(undefined, 'p1', 'Readers', '*');
const block = { approvers: { userIds: ['boss'] }, validFor: 30, isValidForInDays: false, timeToApprove: 60, notificationMedium: 'c' };
const request = newRequest({
  id: 'r1', sequence: 1, policyId: 'p1', block, validForMs: 30 * 60_000, timeToApproveMs: 60 * 60_000,
  path: '/a', itemId: 'i1', action: 'sm.secret.read', requester: { id: 'u', kind: 'user' }, justification: 'j', now: 0,
});

describe('deltaOf', () => {
  it('an item record put is a putItem delta carrying the same record', () => {
    const delta = deltaOf({ kind: 'item', id: 'i1', item });
    expect(delta).toEqual({ kind: 'putItem', item });
    expect(delta?.kind === 'putItem' && delta.item).toBe(item);
  });

  it('an item record removed (null) is a deleteItem delta naming its id', () => {
    expect(deltaOf({ kind: 'item', id: 'i1', item: null })).toEqual({ kind: 'deleteItem', id: 'i1' });
  });

  it('a policy record put is a putPolicy delta carrying the same policy', () => {
    const delta = deltaOf({ kind: 'policy', id: 'p1', policy });
    expect(delta).toEqual({ kind: 'putPolicy', policy });
    expect(delta?.kind === 'putPolicy' && delta.policy).toBe(policy);
  });

  it('a policy record removed (null) is a deletePolicy delta naming its id', () => {
    expect(deltaOf({ kind: 'policy', id: 'p1', policy: null })).toEqual({ kind: 'deletePolicy', id: 'p1' });
  });

  it('an approval record is a putApproval delta carrying the same request (requests are never removed)', () => {
    const delta = deltaOf({ kind: 'approval', id: 'r1', request });
    expect(delta).toEqual({ kind: 'putApproval', request });
    expect(delta?.kind === 'putApproval' && delta.request).toBe(request);
  });

  it('a secret value, written or removed, changes no state: no delta', () => {
    expect(deltaOf({ kind: 'value', itemId: 'i1', version: 1, value: 'sealed' })).toBeUndefined();
    expect(deltaOf({ kind: 'value', itemId: 'i1', version: 1, value: null })).toBeUndefined();
  });
});

describe('changeOf and noChange', () => {
  it('a change keeps its records as given and carries the result and reason through', () => {
    const records: RecordChange[] = [{ kind: 'item', id: 'i1', item }];
    const result = { any: 'thing' };
    const change = changeOf(records, result, 'policy');
    expect(change.records).toBe(records);
    expect(change.result).toBe(result);
    expect(change.reason).toBe('policy');
    expect(change.deltas).toEqual([{ kind: 'putItem', item }]);
  });

  it('values make no delta and every other record makes one, in the records order', () => {
    const records: RecordChange[] = [
      { kind: 'value', itemId: 'i1', version: 2, value: 'v2' },
      { kind: 'item', id: 'i1', item },
      { kind: 'value', itemId: 'i1', version: 1, value: null },
      { kind: 'approval', id: 'r1', request },
      { kind: 'policy', id: 'p1', policy: null },
      { kind: 'item', id: 'i0', item: null },
      { kind: 'policy', id: 'p1', policy },
    ];
    expect(changeOf(records, undefined, 'admin').deltas.map((d) => d.kind)).toEqual(['putItem', 'putApproval', 'deletePolicy', 'deleteItem', 'putPolicy']);
  });

  it('the deltas of a change are exactly deltaOf of each record, values dropped, order kept (property, seeded)', () => {
    const record: fc.Arbitrary<RecordChange> = fc.oneof(
      fc.record({ kind: fc.constant('item' as const), id: fc.string(), item: fc.constantFrom(item, null) }),
      fc.record({ kind: fc.constant('value' as const), itemId: fc.string(), version: fc.nat(), value: fc.option(fc.string(), { nil: null }) }),
      fc.record({ kind: fc.constant('policy' as const), id: fc.string(), policy: fc.constantFrom(policy, null) }),
      fc.record({ kind: fc.constant('approval' as const), id: fc.string(), request: fc.constant(request) }),
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const change = changeOf(records, 0, 'acl');
        const expected = records.filter((r) => r.kind !== 'value').map((r) => deltaOf(r));
        expect(change.deltas).toEqual(expected);
        expect(change.deltas.length).toBe(records.length - records.filter((r) => r.kind === 'value').length);
      }),
      { seed: 7101, numRuns: 300 },
    );
  });

  it('a change of only values writes them but has no delta', () => {
    const change = changeOf([{ kind: 'value', itemId: 'i1', version: 1, value: 'x' }], 'done', 'policy');
    expect(change.records).toHaveLength(1);
    expect(change.deltas).toEqual([]);
  });

  it('noChange writes nothing and changes nothing, but keeps the result and reason', () => {
    const result = ['listed'];
    const change = noChange(result, 'not_found');
    expect(change).toEqual({ records: [], deltas: [], result, reason: 'not_found' });
    expect(change.result).toBe(result);
  });
});
