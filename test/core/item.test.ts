// Items as the API takes and shows them (item.ts, SPEC §3): create and patch
// bodies with every problem at its pointer, values counted in UTF-8 bytes,
// and the views — fields in one order, children in UTF-16 order, fresh ACLs.

import { describe, it, expect, vi, beforeEach } from 'vitest';
import { aclView, childViews, itemView, parseCreateBody, parsePatchBody, parsePatchOptions } from '../../src/core/item.js';
import { utf8Length } from '../../src/core/paths.js';
import type { ErrorDetail } from '../../src/core/errors.js';
import type { Acl, ItemNode } from '../../src/core/types.js';
import { problemsOf } from '../support/problems.js';

// Counts calls of utf8Length, to show a value too long in UTF-16 units is refused without counting its bytes.
vi.mock('../../src/core/paths.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/paths.js')>();
  return { ...actual, utf8Length: vi.fn(actual.utf8Length) };
});


const MAX = 64 * 1024;
const LONE = 'is not valid Unicode (it holds a lone surrogate)';

describe('parseCreateBody', () => {
  it('a secret with a value (empty allowed) and a description; a directory without a value', () => {
    expect(parseCreateBody({ type: 'secret', value: 'v', description: 'd' }, MAX)).toEqual({ type: 'secret', value: 'v', description: 'd' });
    expect(parseCreateBody({ type: 'secret', value: '' }, MAX)).toEqual({ type: 'secret', value: '' });
    expect(parseCreateBody({ type: 'directory' }, MAX)).toEqual({ type: 'directory' });
    expect(parseCreateBody({ type: 'directory', description: 'x'.repeat(4096) }, MAX).description).toHaveLength(4096);
  });

  const rows: { rule: string; body: unknown; expected: ErrorDetail[] }[] = [
    { rule: 'a body that is not an object', body: null, expected: [{ pointer: '', message: 'must be an object' }] },
    { rule: 'an array body', body: [], expected: [{ pointer: '', message: 'must be an object' }] },
    { rule: 'a missing type', body: {}, expected: [{ pointer: '/type', message: 'is required' }] },
    { rule: 'an unknown type', body: { type: 'file' }, expected: [{ pointer: '/type', message: 'must be one of `directory`, `secret`' }] },
    { rule: 'an unknown field', body: { type: 'directory', owner: 'x' }, expected: [{ pointer: '/owner', message: 'is not a known field' }] },
    { rule: 'a secret needs a value', body: { type: 'secret' }, expected: [{ pointer: '/value', message: 'is required for a secret' }] },
    { rule: 'a null value is no value', body: { type: 'secret', value: null }, expected: [{ pointer: '/value', message: 'must be a string' }, { pointer: '/value', message: 'is required for a secret' }] },
    { rule: 'a value that is not a string', body: { type: 'secret', value: 5 }, expected: [{ pointer: '/value', message: 'must be a string' }] },
    { rule: 'a directory has no value', body: { type: 'directory', value: 'v' }, expected: [{ pointer: '/value', message: 'is not allowed on a directory' }] },
    { rule: 'a directory has no value, not even an empty one', body: { type: 'directory', value: '' }, expected: [{ pointer: '/value', message: 'is not allowed on a directory' }] },
    { rule: 'a value with a lone surrogate', body: { type: 'secret', value: 'a\uD800' }, expected: [{ pointer: '/value', message: LONE }] },
    { rule: 'a description with a lone surrogate', body: { type: 'directory', description: '\uDC00' }, expected: [{ pointer: '/description', message: LONE }] },
    { rule: 'a description over 4,096 characters', body: { type: 'directory', description: 'x'.repeat(4097) }, expected: [{ pointer: '/description', message: 'must NOT have more than 4096 characters' }] },
    { rule: 'a description that is not a string', body: { type: 'directory', description: null }, expected: [{ pointer: '/description', message: 'must be a string' }] },
  ];
  for (const row of rows) {
    it(`VALIDATION for ${row.rule}`, () => {
      expect(problemsOf(() => parseCreateBody(row.body, MAX))).toEqual(row.expected);
    });
  }

  it('lists every problem at once', () => {
    const problems = problemsOf(() => parseCreateBody({ type: 'link', value: 1, description: 'd\uD800', extra: true }, MAX));
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: '/extra', message: 'is not a known field' },
        { pointer: '/type', message: 'must be one of `directory`, `secret`' },
        { pointer: '/value', message: 'must be a string' },
        { pointer: '/description', message: LONE },
      ]),
    );
  });
});

describe('maxSecretBytes counts UTF-8 bytes', () => {
  const counted = vi.mocked(utf8Length);
  beforeEach(() => {
    counted.mockClear();
  });

  const rows: { value: string; max: number; ok: boolean }[] = [
    { value: 'aaaa', max: 4, ok: true },
    { value: 'aaaaa', max: 4, ok: false },
    { value: 'éé', max: 4, ok: true }, // 2 units, 4 bytes
    { value: 'ééé', max: 4, ok: false }, // 3 units, 6 bytes
    { value: '😀', max: 4, ok: true }, // 2 units, 4 bytes
    { value: '😀', max: 3, ok: false },
    { value: '€', max: 2, ok: false }, // 1 unit, 3 bytes
    { value: '', max: 0, ok: true },
  ];
  for (const { value, max, ok } of rows) {
    it(`${JSON.stringify(value)} with maxSecretBytes ${max} is ${ok ? 'accepted' : 'VALIDATION at /value'}, in a create and in a patch`, () => {
      if (ok) {
        expect(parseCreateBody({ type: 'secret', value }, max).value).toBe(value);
        expect(parsePatchBody({ value }, max).value).toBe(value);
      } else {
        const expected = [{ pointer: '/value', message: `is longer than ${max} bytes of UTF-8` }];
        expect(problemsOf(() => parseCreateBody({ type: 'secret', value }, max))).toEqual(expected);
        expect(problemsOf(() => parsePatchBody({ value }, max))).toEqual(expected);
      }
    });
  }

  it('a value longer in UTF-16 units than the limit is refused without counting its bytes', () => {
    expect(problemsOf(() => parseCreateBody({ type: 'secret', value: 'a'.repeat(11) }, 10))).toEqual([{ pointer: '/value', message: 'is longer than 10 bytes of UTF-8' }]);
    expect(problemsOf(() => parsePatchBody({ value: 'é'.repeat(11) }, 10))).toHaveLength(1);
    expect(counted).not.toHaveBeenCalled();
    parseCreateBody({ type: 'secret', value: 'a'.repeat(10) }, 10); // within the units: counted
    expect(counted).toHaveBeenCalledTimes(1);
  });

  it('the message never holds the value', () => {
    const [problem] = problemsOf(() => parseCreateBody({ type: 'secret', value: 'hunter2-'.repeat(4) }, 8));
    expect(problem!.message).not.toContain('hunter2');
  });
});

describe('parsePatchBody and parsePatchOptions', () => {
  it('the fields present change; description null clears it; an empty patch is allowed', () => {
    expect(parsePatchBody({}, MAX)).toEqual({});
    expect(parsePatchBody({ value: 'v' }, MAX)).toEqual({ value: 'v' });
    expect(parsePatchBody({ description: null }, MAX)).toEqual({ description: null });
    expect(parsePatchBody({ value: '', description: 'd' }, MAX)).toEqual({ value: '', description: 'd' });
  });

  const rows: { rule: string; body: unknown; expected: ErrorDetail[] }[] = [
    { rule: 'a body that is not an object', body: 'x', expected: [{ pointer: '', message: 'must be an object' }] },
    { rule: 'an unknown field (type cannot be patched)', body: { type: 'secret' }, expected: [{ pointer: '/type', message: 'is not a known field' }] },
    { rule: 'a value that is not a string (null included)', body: { value: null }, expected: [{ pointer: '/value', message: 'must be a string' }] },
    { rule: 'a description that is neither a string nor null', body: { description: 5 }, expected: [{ pointer: '/description', message: 'must be a string or null' }] },
    { rule: 'a description over 4,096 characters', body: { description: 'd'.repeat(4097) }, expected: [{ pointer: '/description', message: 'must NOT have more than 4096 characters' }] },
    { rule: 'lone surrogates in value and description', body: { value: '\uD83D', description: 'x\uDE00' }, expected: [{ pointer: '/value', message: LONE }, { pointer: '/description', message: LONE }] },
  ];
  for (const row of rows) {
    it(`a patch body: VALIDATION for ${row.rule}`, () => {
      expect(problemsOf(() => parsePatchBody(row.body, MAX))).toEqual(row.expected);
    });
  }

  it('options: absent or empty are none; ifVersion is an integer of at least 1', () => {
    expect(parsePatchOptions(undefined)).toEqual({});
    expect(parsePatchOptions({})).toEqual({});
    expect(parsePatchOptions({ ifVersion: 3 })).toEqual({ ifVersion: 3 });
  });

  const optionRows: [unknown, ErrorDetail[]][] = [
    [{ ifVersion: 0 }, [{ pointer: '/options/ifVersion', message: 'must be >= 1' }]],
    [{ ifVersion: 1.5 }, [{ pointer: '/options/ifVersion', message: 'must be an integer' }]],
    [{ ifVersion: '2' }, [{ pointer: '/options/ifVersion', message: 'must be an integer' }]],
    [{ force: true }, [{ pointer: '/options/force', message: 'is not a known field' }]],
    [null, [{ pointer: '/options', message: 'must be an object' }]],
  ];
  for (const [options, expected] of optionRows) {
    it(`options ${JSON.stringify(options)} are VALIDATION under /options`, () => {
      expect(problemsOf(() => parsePatchOptions(options))).toEqual(expected);
    });
  }
});

const node = (over: Partial<ItemNode>): ItemNode => ({
  id: 'id-1',
  parentId: 'root',
  name: 's',
  type: 'secret',
  createdAt: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
  updatedAt: Date.UTC(2024, 6, 1),
  createdBy: 'alice',
  description: undefined,
  version: 3,
  acl: [],
  ordinal: 1,
  parent: 0,
  path: '/s',
  ...over,
});

describe('views', () => {
  it('a secret view: path, type, id, times (ISO-8601 UTC), createdBy, description, version — in that order', () => {
    const view = itemView(node({ description: 'about' }));
    expect(Object.keys(view)).toEqual(['path', 'type', 'id', 'createdAt', 'updatedAt', 'createdBy', 'description', 'version']);
    expect(view).toEqual({ path: '/s', type: 'secret', id: 'id-1', createdAt: '2024-01-02T03:04:05.006Z', updatedAt: '2024-07-01T00:00:00.000Z', createdBy: 'alice', description: 'about', version: 3 });
  });

  it('a directory view has no version, no value, no children; no description key when it has none; an empty description is kept', () => {
    const view = itemView(node({ type: 'directory', version: 0, path: '/d' }));
    expect(Object.keys(view)).toEqual(['path', 'type', 'id', 'createdAt', 'updatedAt', 'createdBy']);
    expect(itemView(node({ description: '' })).description).toBe('');
  });

  it('each view is a fresh object', () => {
    const item = node({});
    const first = itemView(item);
    first.path = '/changed';
    expect(itemView(item).path).toBe('/s');
  });

  it('children are name and type only, sorted by UTF-16 code units (not by code point or locale)', () => {
    const names = ['b', '\uFFFD', 'B', 'é', '😀', 'a', 'Z'];
    const children = names.map((name, i) => node({ name, type: i % 2 === 0 ? 'directory' : 'secret' }));
    const views = childViews(children);
    expect(views.map((c) => c.name)).toEqual(['B', 'Z', 'a', 'b', 'é', '😀', '\uFFFD']);
    expect(Object.keys(views[0]!)).toEqual(['name', 'type']);
    expect(views.find((c) => c.name === 'b')!.type).toBe('directory');
  });

  it('childViews keeps only the children `keep` accepts', () => {
    const children = ['x', 'y', 'z'].map((name) => node({ name }));
    expect(childViews(children, (c) => c.name !== 'y').map((c) => c.name)).toEqual(['x', 'z']);
    expect(childViews([])).toEqual([]);
  });

  it('aclView gives fresh entry and entity objects with the same contents', () => {
    const acl: Acl = Object.freeze([Object.freeze({ entity: Object.freeze({ type: 'user' as const, id: 'u' }), access: 'read' as const })]);
    const view = aclView(acl);
    expect(view).toEqual([{ entity: { type: 'user', id: 'u' }, access: 'read' }]);
    expect(view[0]).not.toBe(acl[0]);
    expect(view[0]!.entity).not.toBe(acl[0]!.entity);
    (view[0] as { access: string }).access = 'read_write';
    expect(acl[0]!.access).toBe('read');
  });
});
