// Principals (principal.ts, SPEC §1, docs/decisions.md): an id of 1–255
// characters, a kind (default user), groups (non-empty strings), admin only
// when `true`; other fields ignored; read through an own-data copy so an
// inherited or polluted `admin` is never taken as given.

import { describe, it, expect } from 'vitest';
import { parsePrincipal } from '../../src/core/principal.js';
import { readInput } from '../../src/core/input.js';
import { CofferError, type ErrorDetail } from '../../src/core/errors.js';
import { problemsOf } from '../support/problems.js';

const problemsOfPrincipal = (input: unknown) => problemsOf(() => parsePrincipal(input));

describe('parsePrincipal: what a principal is', () => {
  const rows: [string, unknown, { id: string; kind: string; groups: string[]; isAdmin: boolean }][] = [
    ['an id alone is a user with no groups, not an admin', { id: 'alice' }, { id: 'alice', kind: 'user', groups: [], isAdmin: false }],
    ['a token', { id: 't1', kind: 'token' }, { id: 't1', kind: 'token', groups: [], isAdmin: false }],
    ['a service identity with groups', { id: 's1', kind: 'serviceIdentity', groups: ['ops'] }, { id: 's1', kind: 'serviceIdentity', groups: ['ops'], isAdmin: false }],
    ['an admin', { id: 'root', admin: true }, { id: 'root', kind: 'user', groups: [], isAdmin: true }],
    ['admin: false is no admin', { id: 'a', admin: false }, { id: 'a', kind: 'user', groups: [], isAdmin: false }],
    ['repeated groups are kept once, in their first order', { id: 'a', groups: ['b', 'a', 'b'] }, { id: 'a', kind: 'user', groups: ['b', 'a'], isAdmin: false }],
    ['other fields of the host are ignored', { id: 'a', displayName: 'Alice', email: 5 }, { id: 'a', kind: 'user', groups: [], isAdmin: false }],
    ['an id of 255 characters', { id: 'i'.repeat(255) }, { id: 'i'.repeat(255), kind: 'user', groups: [], isAdmin: false }],
  ];
  for (const [rule, input, expected] of rows) {
    it(rule, () => {
      expect(parsePrincipal(input)).toEqual(expected);
    });
  }

  it('the principal is frozen, groups too, and is not the object given', () => {
    const groups = ['g'];
    const principal = parsePrincipal({ id: 'a', groups });
    groups.push('later');
    expect(principal.groups).toEqual(['g']);
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.groups)).toBe(true);
  });

  const refused: [string, unknown, ErrorDetail[]][] = [
    ['not an object', 'alice', [{ pointer: '/principal', message: 'must be an object' }]],
    ['null', null, [{ pointer: '/principal', message: 'must be an object' }]],
    ['no id', {}, [{ pointer: '/principal/id', message: 'is required' }]],
    ['an empty id', { id: '' }, [{ pointer: '/principal/id', message: 'must NOT have fewer than 1 characters' }]],
    ['an id of 256 characters', { id: 'i'.repeat(256) }, [{ pointer: '/principal/id', message: 'must NOT have more than 255 characters' }]],
    ['a number id', { id: 7 }, [{ pointer: '/principal/id', message: 'must be a string' }]],
    ['an unknown kind', { id: 'a', kind: 'robot' }, [{ pointer: '/principal/kind', message: 'must be one of `user`, `token`, `serviceIdentity`' }]],
    ['groups not an array', { id: 'a', groups: 'ops' }, [{ pointer: '/principal/groups', message: 'must be an array' }]],
    ['an empty group', { id: 'a', groups: ['ok', ''] }, [{ pointer: '/principal/groups/1', message: 'must NOT have fewer than 1 characters' }]],
    ['a group of 256 characters', { id: 'a', groups: ['g'.repeat(256)] }, [{ pointer: '/principal/groups/0', message: 'must NOT have more than 255 characters' }]],
    ['admin not a boolean', { id: 'a', admin: 'yes' }, [{ pointer: '/principal/admin', message: 'must be true or false' }]],
  ];
  for (const [rule, input, expected] of refused) {
    it(`VALIDATION for ${rule}`, () => {
      expect(problemsOfPrincipal(input)).toEqual(expected);
    });
  }

  it('lists every problem at once', () => {
    expect(problemsOfPrincipal({ id: '', kind: 'x', groups: [1], admin: 1 })).toHaveLength(4);
  });
});

describe('a principal read as own data (readInput, then parsePrincipal)', () => {
  const read = (input: unknown) => parsePrincipal(readInput(input, '/principal'));

  it('an inherited admin is not an admin', () => {
    const input = Object.assign(Object.create({ admin: true, groups: ['admins'] }) as object, { id: 'mallory' });
    expect(read(input)).toEqual({ id: 'mallory', kind: 'user', groups: [], isAdmin: false });
  });

  it('a polluted Object.prototype.admin (or kind, or groups) is never taken as given', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.admin = true;
    polluted.kind = 'token';
    polluted.groups = ['admins'];
    try {
      expect(read({ id: 'mallory' })).toEqual({ id: 'mallory', kind: 'user', groups: [], isAdmin: false });
    } finally {
      delete polluted.admin;
      delete polluted.kind;
      delete polluted.groups;
    }
  });

  it('a principal changed by the host after it was read is not changed here', () => {
    const input = { id: 'a', groups: ['g'], admin: false };
    const principal = read(input);
    input.admin = true;
    input.groups.push('admins');
    expect(principal).toEqual({ id: 'a', kind: 'user', groups: ['g'], isAdmin: false });
  });

  it('an over-long id is refused on its raw length under /principal', () => {
    let error: unknown;
    try {
      read({ id: 'x'.repeat(16_385) });
    } catch (e) {
      error = e;
    }
    expect((error as CofferError).details).toEqual([{ pointer: '/principal/id', message: 'is longer than 4096 characters' }]);
  });
});
