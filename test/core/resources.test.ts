// Policy resources (resources.ts, SPEC §6.2): `*`, `/`, `/*`, an item path,
// or an item path + `/*`, in canonical form; `*` only as the whole last
// segment; and parents(R) for permission 0 (SPEC §6.3).

import { describe, it, expect } from 'vitest';
import { ANY_RESOURCE, checkResource, parentsOf, parseResource, type ResourceKind } from '../../src/core/resources.js';
import { CofferError, type ErrorDetail } from '../../src/core/errors.js';

describe('checkResource: what a resource may be', () => {
  const rows: [string, { text: string; kind: ResourceKind; path: string; segments: string[] }][] = [
    ['*', { text: '*', kind: 'any', path: '/', segments: [] }],
    ['/', { text: '/', kind: 'exact', path: '/', segments: [] }],
    ['/*', { text: '/*', kind: 'subtree', path: '/', segments: [] }],
    ['/a', { text: '/a', kind: 'exact', path: '/a', segments: ['a'] }],
    ['/a/b', { text: '/a/b', kind: 'exact', path: '/a/b', segments: ['a', 'b'] }],
    ['/a/b/', { text: '/a/b', kind: 'exact', path: '/a/b', segments: ['a', 'b'] }],
    ['/a/*', { text: '/a/*', kind: 'subtree', path: '/a', segments: ['a'] }],
    ['/a/b/*', { text: '/a/b/*', kind: 'subtree', path: '/a/b', segments: ['a', 'b'] }],
    ['/cafe\u0301', { text: '/caf\u00e9', kind: 'exact', path: '/caf\u00e9', segments: ['caf\u00e9'] }],
    ['/cafe\u0301/*', { text: '/caf\u00e9/*', kind: 'subtree', path: '/caf\u00e9', segments: ['caf\u00e9'] }],
    ['/with space/x-y_z', { text: '/with space/x-y_z', kind: 'exact', path: '/with space/x-y_z', segments: ['with space', 'x-y_z'] }],
  ];
  for (const [input, expected] of rows) {
    it(`${JSON.stringify(input)} is ${expected.kind} ${JSON.stringify(expected.text)} (canonical: NFC, a trailing / dropped)`, () => {
      const checked = checkResource(input);
      expect('target' in checked).toBe(true);
      if (!('target' in checked)) return;
      expect(checked.target.text).toBe(expected.text);
      expect(checked.target.kind).toBe(expected.kind);
      expect(checked.target.path.path).toBe(expected.path);
      expect(checked.target.path.segments).toEqual(expected.segments);
    });
  }

  it('`*` is the one frozen ANY_RESOURCE', () => {
    expect(checkResource('*')).toEqual({ target: ANY_RESOURCE });
    expect(Object.isFrozen(ANY_RESOURCE)).toBe(true);
  });

  const refused: [unknown, string][] = [
    ['//*', 'has an empty segment before `/*`'],
    ['/a//*', 'has an empty segment before `/*`'],
    ['/a*', 'segment 1 holds a control character or `*`'],
    ['/a/b*', 'segment 2 holds a control character or `*`'],
    ['/a/*/c', 'segment 2 holds a control character or `*`'],
    ['/a/**', 'segment 2 holds a control character or `*`'],
    ['**', 'must be absolute (start with `/`)'],
    ['a/*', 'must be absolute (start with `/`)'],
    ['', 'must be absolute (start with `/`)'],
    ['/a/../*', 'segment 2 is `..`, which is not allowed'],
    ['/\uD800', 'is not valid Unicode (it holds a lone surrogate)'],
    [5, 'must be a string'],
    [null, 'must be a string'],
  ];
  for (const [input, message] of refused) {
    it(`${JSON.stringify(input)} is refused: ${message}`, () => {
      expect(checkResource(input)).toEqual({ problems: [{ pointer: '/resource', message }] });
    });
  }

  it('problems name the pointer given (a resource inside a body, a query argument)', () => {
    expect(checkResource('/a*', '/query/resource')).toEqual({ problems: [{ pointer: '/query/resource', message: 'segment 1 holds a control character or `*`' }] });
    expect(checkResource(1, '/x')).toEqual({ problems: [{ pointer: '/x', message: 'must be a string' }] });
  });

  it('the path rules of §2 hold for the path part (length, depth)', () => {
    const deep = '/' + Array.from({ length: 65 }, () => 'a').join('/') + '/*';
    expect(checkResource(deep)).toEqual({ problems: [{ pointer: '/resource', message: 'is deeper than 64 segments' }] });
    expect('target' in checkResource('/' + Array.from({ length: 64 }, () => 'a').join('/') + '/*')).toBe(true);
  });
});

describe('parseResource', () => {
  it('returns the target, or throws one VALIDATION with every problem', () => {
    expect(parseResource('/a/*').text).toBe('/a/*');
    let error: unknown;
    try {
      parseResource('/a//b/./c', '/resource');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CofferError);
    expect((error as CofferError).code).toBe('VALIDATION');
    expect((error as CofferError).details).toEqual<ErrorDetail[]>([
      { pointer: '/resource', message: 'segment 2 is empty (`//`)' },
      { pointer: '/resource', message: 'segment 4 is `.`, which is not allowed' },
    ]);
  });
});

describe('parents(R): the ancestors of the item R names, root first', () => {
  const rows: [string, string[]][] = [
    ['*', ['/']],
    ['/', ['/']],
    ['/*', ['/']],
    ['/a', ['/']],
    ['/a/*', ['/']],
    ['/a/b', ['/', '/a']],
    ['/a/b/*', ['/', '/a']],
    ['/a/b/c', ['/', '/a', '/a/b']],
    ['/cafe\u0301/x', ['/', '/caf\u00e9']],
  ];
  for (const [resource, parents] of rows) {
    it(`parents(${resource}) = ${JSON.stringify(parents)}`, () => {
      expect(parentsOf(parseResource(resource))).toEqual(parents);
    });
  }

  it('each call gives a fresh array', () => {
    const target = parseResource('/a/b');
    const first = parentsOf(target);
    first.push('changed');
    expect(parentsOf(target)).toEqual(['/', '/a']);
  });
});
