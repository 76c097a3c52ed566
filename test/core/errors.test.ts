// CofferError (errors.ts, docs/errors.md, SPEC §10): one class, a stable code
// with its HTTP-style status, a one-line message, `details` capped at 100
// problems plus one entry counting the rest, `policyIds` only when given, and
// the decision behind a refusal in a private slot no log or JSON can read.

import { describe, it, expect } from 'vitest';
import { inspect } from 'node:util';
import {
  allDetailsOf,
  alreadyExists,
  approvalRequired,
  closed,
  CofferError,
  conflict,
  corrupt,
  decisionOfRefusal,
  forbidden,
  internalError,
  invalid,
  MAX_DETAILS,
  notEmpty,
  notFound,
  readOnly,
  STATUS_OF_CODE,
  storageFailure,
  validationError,
  wrongKey,
  type ErrorCode,
} from '../../src/core/errors.js';
import type { Decision } from '../../src/core/decision.js';

const deny: Decision = { allowed: false, effect: 'deny', reason: 'explicit_deny', policyId: 'secret-policy-id' };
const needsApproval: Decision = { allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: ['p1', 'p2'] };
const problems = (n: number) => Array.from({ length: n }, (_, i) => ({ pointer: `/f${i}`, message: `problem ${i}` }));

describe('CofferError codes and statuses (SPEC §10)', () => {
  const rows: [ErrorCode, number][] = [
    ['VALIDATION', 400],
    ['FORBIDDEN', 403],
    ['APPROVAL_REQUIRED', 403],
    ['NOT_FOUND', 404],
    ['ALREADY_EXISTS', 409],
    ['NOT_EMPTY', 409],
    ['CONFLICT', 409],
    ['READ_ONLY', 409],
    ['WRONG_KEY', 403],
    ['CLOSED', 503],
    ['STORAGE', 503],
    ['CORRUPT', 500],
    ['INTERNAL', 500],
  ];

  it('the status table holds exactly the documented codes', () => {
    expect(Object.keys(STATUS_OF_CODE).sort()).toEqual(rows.map(([code]) => code).sort());
    expect(Object.isFrozen(STATUS_OF_CODE)).toBe(true);
  });

  for (const [code, status] of rows) {
    it(`${code} has status ${status}, name CofferError, and is an Error`, () => {
      const error = new CofferError(code, 'm');
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.name).toBe('CofferError');
      expect(error).toBeInstanceOf(Error);
    });
  }

  it('each constructor gives its code and a one-line message naming what it is about', () => {
    const made: [CofferError, ErrorCode, string][] = [
      [invalid('/path', 'must be a string'), 'VALIDATION', 'Invalid input at `/path`: must be a string'],
      [forbidden('read', '/a'), 'FORBIDDEN', 'Not allowed to read `/a`'],
      [approvalRequired('read', '/a', ['p1']), 'APPROVAL_REQUIRED', 'An approval is needed to read `/a`'],
      [notFound('item', '/a'), 'NOT_FOUND', 'No item `/a`'],
      [alreadyExists('Item', '/a'), 'ALREADY_EXISTS', 'Item `/a` already exists'],
      [notEmpty('/d'), 'NOT_EMPTY', 'Directory `/d` is not empty'],
      [conflict('at version 2'), 'CONFLICT', 'at version 2'],
      [readOnly('SMAdminPolicy'), 'READ_ONLY', 'Policy `SMAdminPolicy` is built in and read-only'],
      [wrongKey(), 'WRONG_KEY', 'The key does not open this store'],
      [closed(), 'CLOSED', 'The store is closed'],
      [storageFailure('disk full'), 'STORAGE', 'disk full'],
      [corrupt('bad record'), 'CORRUPT', 'bad record'],
      [internalError(new Error('inner text')), 'INTERNAL', 'An unexpected error occurred inside coffer'],
    ];
    for (const [error, code, message] of made) {
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain('\n');
    }
  });

  it('INTERNAL keeps the original error as cause but never shows its text in the message', () => {
    const cause = new Error('the inner secret text');
    const error = internalError(cause);
    expect(error.status).toBe(500);
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('inner');
  });

  it('STORAGE carries a reason, io by default and locked when given; a cause only when given', () => {
    expect(storageFailure('x').reason).toBe('io');
    expect(storageFailure('x', undefined, 'locked').reason).toBe('locked');
    expect('cause' in storageFailure('x')).toBe(false);
    expect(storageFailure('x', 'why').cause).toBe('why');
  });
});

describe('VALIDATION details', () => {
  it('validationError with no problems still lists one (details are never empty)', () => {
    const error = validationError([]);
    expect(error.details).toEqual([{ pointer: '', message: 'the input is malformed' }]);
    expect(error.message).toBe('Invalid input: the input is malformed');
  });

  it('the message names the first problem and counts the others', () => {
    expect(validationError(problems(3)).message).toBe('Invalid input at `/f0`: problem 0 (and 2 more)');
  });

  it(`details list at most ${MAX_DETAILS} problems, then one entry with pointer '' counting the rest; allDetailsOf keeps them all`, () => {
    const rows = [
      { given: 100, listed: 100, last: { pointer: '/f99', message: 'problem 99' } },
      { given: 101, listed: 101, last: { pointer: '', message: 'and 1 more problem not listed' } },
      { given: 250, listed: 101, last: { pointer: '', message: 'and 150 more problems not listed' } },
    ];
    for (const row of rows) {
      const error = validationError(problems(row.given));
      expect(error.details).toHaveLength(row.listed);
      expect(error.details![row.listed - 1]).toEqual(row.last);
      expect(allDetailsOf(error)).toHaveLength(row.given);
      expect(error.toJSON().details).toHaveLength(row.listed);
    }
  });

  it('details are frozen copies: changing the list given afterwards changes nothing', () => {
    const given = [{ pointer: '/a', message: 'm' }];
    const error = validationError(given);
    given[0]!.message = 'changed';
    expect(error.details).toEqual([{ pointer: '/a', message: 'm' }]);
    expect(Object.isFrozen(error.details)).toBe(true);
    expect(Object.isFrozen(error.details![0])).toBe(true);
  });

  it('allDetailsOf an error without details is empty', () => {
    expect(allDetailsOf(notFound('item', '/a'))).toEqual([]);
  });
});

describe('what a refusal shows, and what it keeps private', () => {
  it('toJSON holds name, code, status and message, and details / policyIds / reason only when present', () => {
    expect(notFound('item', '/a').toJSON()).toEqual({ name: 'CofferError', code: 'NOT_FOUND', status: 404, message: 'No item `/a`' });
    expect(Object.keys(invalid('/a', 'm').toJSON())).toEqual(['name', 'code', 'status', 'message', 'details']);
    expect(approvalRequired('read', '/a', ['p1', 'p2']).toJSON()).toMatchObject({ code: 'APPROVAL_REQUIRED', status: 403, policyIds: ['p1', 'p2'] });
    expect(storageFailure('x', undefined, 'locked').toJSON().reason).toBe('locked');
    expect(JSON.parse(JSON.stringify(forbidden('read', '/a', deny)))).toEqual({ name: 'CofferError', code: 'FORBIDDEN', status: 403, message: 'Not allowed to read `/a`' });
  });

  it('an error given no policyIds (nor details, nor reason) has no such own property, not even one set to undefined', () => {
    const error = forbidden('read', '/a', deny);
    expect(Object.hasOwn(error, 'policyIds')).toBe(false);
    expect('policyIds' in notFound('item', '/a')).toBe(false);
    expect(Object.hasOwn(error, 'details')).toBe(false);
    expect(Object.hasOwn(error, 'reason')).toBe(false);
  });

  it('policyIds, when given, are a frozen copy', () => {
    const ids = ['p1'];
    const withIds = approvalRequired('read', '/a', ids);
    ids.push('p2');
    expect(withIds.policyIds).toEqual(['p1']);
    expect(Object.isFrozen(withIds.policyIds)).toBe(true);
  });

  it('decisionOfRefusal reads the decision from the private slot; nothing else holds it', () => {
    const denied = forbidden('read', '/a', deny);
    expect(decisionOfRefusal(denied)).toBe(deny);
    expect(decisionOfRefusal(approvalRequired('read', '/a', ['p1', 'p2'], needsApproval))).toBe(needsApproval);
    expect(decisionOfRefusal(forbidden('read', '/a'))).toBeUndefined();
    expect(decisionOfRefusal(new Error('x'))).toBeUndefined();
    expect(decisionOfRefusal('not an error')).toBeUndefined();
    expect(Reflect.ownKeys(denied).map(String)).not.toContain('decision');
    expect(JSON.stringify(denied)).not.toContain('secret-policy-id');
  });

  it('util.inspect shows the stack, code, status and details, never the decision', () => {
    const shown = inspect(forbidden('read', '/a', deny), { depth: 5 });
    expect(shown).toContain('FORBIDDEN');
    expect(shown).toContain('403');
    expect(shown).toContain('Not allowed to read `/a`');
    expect(shown).not.toContain('secret-policy-id');
    expect(shown).not.toContain('explicit_deny');
    const validation = inspect(invalid('/value', 'is too long'));
    expect(validation).toContain('/value');
    expect(validation).toContain('is too long');
  });

  it('util.inspect shows the cause of an error that has one', () => {
    expect(inspect(storageFailure('disk', new Error('ENOSPC here')))).toContain('ENOSPC here');
  });
});
