// SPEC §2 — paths: absolute, `/`-separated, NFC, case-sensitive; segments of
// 1–255 UTF-8 bytes; depth ≤ 64; length ≤ 4096 bytes; a malformed path is
// VALIDATION (pointer `/path`) before any existence or permission check.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf, pointersOf, refusal } from './refusals.js';

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const nested = (segments: readonly string[]): string => '/' + segments.join('/');

// Segments at the limit (255 bytes) and one byte over, in 1-, 2-, 3- and 4-byte characters.
const AT_LIMIT = {
  ascii: 'a'.repeat(255),
  twoByte: 'é'.repeat(127) + 'a',
  threeByte: '€'.repeat(85),
  fourByte: '😀'.repeat(63) + 'abc',
} as const;
const OVER_LIMIT = {
  ascii: 'a'.repeat(256),
  twoByte: 'é'.repeat(128),
  threeByte: '€'.repeat(85) + 'a',
  fourByte: '😀'.repeat(64),
} as const;

// A path of exactly 4096 bytes: 16 segments of 255 bytes, each behind its `/`.
const PATH_4096 = nested(Array.from({ length: 16 }, () => AT_LIMIT.twoByte));
// 4097 bytes: 15 × (1 + 255) + (1 + 254) + (1 + 1).
const PATH_4097 = nested([...Array.from({ length: 15 }, () => AT_LIMIT.twoByte), 'é'.repeat(127), 'x']);
const DEPTH_64 = nested(Array.from({ length: 64 }, (_, i) => `d${i}`));
const DEPTH_65 = nested(Array.from({ length: 65 }, (_, i) => `d${i}`));

const MALFORMED: ReadonlyArray<readonly [string, string]> = [
  ['a', 'a relative path'],
  ['a/b', 'a relative path with a slash'],
  ['', 'the empty string'],
  ['//', 'an empty segment at the root'],
  ['//a', 'an empty first segment'],
  ['/a//b', 'an empty middle segment'],
  ['/a//', 'two trailing slashes'],
  ['/.', 'a `.` segment'],
  ['/a/./b', 'a `.` segment in the middle'],
  ['/..', 'a `..` segment'],
  ['/a/../b', 'a `..` segment in the middle'],
  ['/a\u0000b', 'U+0000'],
  ['/a\u001fb', 'U+001F'],
  ['/a\u007fb', 'U+007F'],
  ['/a\nb', 'a newline'],
  ['/a\tb', 'a tab'],
  ['/\r', 'a carriage return alone'],
  ['/*', 'a `*` segment'],
  ['/a*b', 'a `*` inside a segment'],
  ['/a/*/b', 'a `*` segment in the middle'],
  ['/\uD800', 'a lone high surrogate'],
  ['/a\uDC00b', 'a lone low surrogate'],
  ['/\uDC00\uD800', 'surrogates in the wrong order'],
  [`/${OVER_LIMIT.ascii}`, 'a segment of 256 ASCII bytes'],
  [`/${OVER_LIMIT.twoByte}`, 'a segment of 256 bytes in 2-byte characters'],
  [`/${OVER_LIMIT.threeByte}`, 'a segment of 256 bytes in 3-byte characters'],
  [`/${OVER_LIMIT.fourByte}`, 'a segment of 256 bytes in 4-byte characters'],
  [`/${'e\u0301'.repeat(128)}`, 'a segment of 256 bytes once NFC-normalised'],
  // U+0958 is excluded from composition: NFC decomposes it into two characters (3 → 6 bytes).
  [`/${'\u0958'.repeat(43)}`, 'a segment of 129 bytes as given but 258 bytes in NFC'],
  [nested(Array.from({ length: 16 }, () => '\u0958'.repeat(42) + 'abcd')), 'a path of 2128 bytes as given but 4112 bytes in NFC'],
  [DEPTH_65, 'a depth of 65 segments'],
  [PATH_4097, 'a path of 4097 bytes'],
];

// Well-formed paths that do not exist: an admin gets NOT_FOUND, never VALIDATION.
const WELL_FORMED_MISSING: ReadonlyArray<readonly [string, string]> = [
  [`/${AT_LIMIT.ascii}`, 'a segment of 255 ASCII bytes'],
  [`/${AT_LIMIT.twoByte}`, 'a segment of 255 bytes in 2-byte characters'],
  [`/${AT_LIMIT.threeByte}`, 'a segment of 255 bytes in 3-byte characters'],
  [`/${AT_LIMIT.fourByte}`, 'a segment of 255 bytes in 4-byte characters'],
  [`/${'e\u0301'.repeat(127)}a`, 'a segment of 382 bytes as given but 255 bytes in NFC'],
  [DEPTH_64, 'a depth of 64 segments'],
  [PATH_4096, 'a path of 4096 bytes'],
  [PATH_4096.replaceAll('é', 'e\u0301'), 'a path of 6136 bytes as given but 4096 bytes in NFC'],
  [`/${'\u0958'.repeat(42)}abc`, 'a segment of 129 bytes as given and 255 bytes in NFC'],
];

const NAMES_ALLOWED: ReadonlyArray<readonly [string, string]> = [
  ['...', 'three dots'],
  ['.hidden', 'a leading dot'],
  ['a.', 'a trailing dot'],
  ['..a', 'two leading dots'],
  [' ', 'a space alone'],
  ['a b', 'an inner space'],
  ['\\', 'a backslash'],
  ['%2F', 'a percent-encoded slash, kept as text'],
  ['~', 'a tilde'],
  ['😀', 'a 4-byte character'],
  ['\u0080', 'U+0080, outside the rejected control ranges'],
  ['\u00a0', 'a no-break space'],
  ['\uFFFD', 'the replacement character'],
  ['"\'`', 'quotes'],
];


/** SPEC §2 written out once more, independently: is `input` a well-formed path? */
function isWellFormedPath(input: string): boolean {
  // A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(input)) return false;
  if (!input.startsWith('/')) return false;
  const text = input.normalize('NFC');
  if (text === '/') return true;
  const body = text.endsWith('/') ? text.slice(1, -1) : text.slice(1);
  const segments = body.split('/');
  if (segments.length > 64) return false;
  if (utf8Bytes('/' + segments.join('/')) > 4096) return false;
  return segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[\u0000-\u001f\u007f*]/.test(s) && utf8Bytes(s) <= 255);
}

// Pieces that hit every rule: separators, dots, forbidden and multi-byte characters,
// decomposed forms, lone surrogates and long runs.
const PIECES = ['/', '/', '/', '.', '..', 'a', 'B', 'é', 'e\u0301', '\u0958', '😀', '\uD800', '\uDC00', '*', '\u0000', '\u001f', '\u007f', ' ', '\\', 'x'.repeat(120), '€'.repeat(40)];
const pathLike = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));

describeEachAdapter('§2 paths', (makeStore) => {
  async function admin(): Promise<Session> {
    return (await makeStore()).store.as(ADMIN);
  }

  it('the root `/` always exists and is a directory', async () => {
    const root = await (await admin()).get('/');
    expect(root).toMatchObject({ path: '/', type: 'directory', children: [] });
  });

  for (const [path, what] of MALFORMED) {
    it(`a path with ${what} is VALIDATION naming /path (get and create)`, async () => {
      const session = await admin();
      for (const call of [() => session.get(path), () => session.create(path, { type: 'secret', value: 'v' })]) {
        const error = await refusal(call, 'VALIDATION');
        const pointers = pointersOf(error);
        expect(new Set(pointers)).toEqual(new Set(['/path']));
      }
    });
  }

  for (const [path, what] of WELL_FORMED_MISSING) {
    it(`a path with ${what} is well formed (an admin gets NOT_FOUND, not VALIDATION)`, async () => {
      const session = await admin();
      expect(await outcomeOf(session.get(path))).toBe('NOT_FOUND');
    });
  }

  for (const [name, what] of NAMES_ALLOWED) {
    it(`a name with ${what} is allowed and listed as given`, async () => {
      const session = await admin();
      const created = await session.create(`/${name}`, { type: 'secret', value: 'v' });
      expect(created.path).toBe(`/${name}`);
      expect((await session.get(`/${name}`)).value).toBe('v');
      expect((await session.get('/')).children).toEqual([{ name, type: 'secret' }]);
    });
  }

  it('a segment of exactly 255 bytes in each width of UTF-8 can be created and read', async () => {
    const session = await admin();
    for (const segment of Object.values(AT_LIMIT)) {
      expect(utf8Bytes(segment)).toBe(255);
      await session.create(`/${segment}`, { type: 'directory' });
      expect((await session.get(`/${segment}`)).path).toBe(`/${segment}`);
    }
    expect((await session.get('/')).children).toHaveLength(4);
  });

  it('a secret can live at depth 64 and nothing can be created below it at depth 65', async () => {
    const session = await admin();
    const segments = DEPTH_64.slice(1).split('/');
    for (let depth = 1; depth < 64; depth++) await session.create(nested(segments.slice(0, depth)), { type: 'directory' });
    await session.create(DEPTH_64, { type: 'secret', value: 'deep' });
    expect((await session.get(DEPTH_64)).value).toBe('deep');
    await session.delete(DEPTH_64);
    await session.create(DEPTH_64, { type: 'directory' });
    const error = await refusal(session.create(`${DEPTH_64}/d64`, { type: 'directory' }), 'VALIDATION');
    expect(pointersOf(error)).toContain('/path');
  });

  it('a path of exactly 4096 bytes can be created, and one of 4097 bytes cannot', async () => {
    expect(utf8Bytes(PATH_4096)).toBe(4096);
    expect(utf8Bytes(PATH_4097)).toBe(4097);
    const session = await admin();
    const segments = PATH_4096.slice(1).split('/');
    for (let depth = 1; depth < 16; depth++) await session.create(nested(segments.slice(0, depth)), { type: 'directory' });
    await session.create(PATH_4096, { type: 'secret', value: 'long' });
    expect((await session.get(PATH_4096)).path).toBe(PATH_4096);
    await refusal(session.create(PATH_4097, { type: 'secret', value: 'x' }), 'VALIDATION');
  });

  it('one trailing slash is ignored: `/a/` is `/a`', async () => {
    const session = await admin();
    const created = await session.create('/a/', { type: 'directory' });
    expect(created.path).toBe('/a');
    const secret = await session.create('/a/s/', { type: 'secret', value: 'v' });
    expect(secret.path).toBe('/a/s');
    expect((await session.get('/a/')).id).toBe(created.id);
    expect((await session.get('/a/s/')).value).toBe('v');
    await refusal(session.create('/a', { type: 'directory' }), 'ALREADY_EXISTS');
    await session.patch('/a/s/', { value: 'w' });
    expect(await session.getAccess('/a/s/')).toEqual([]);
    await session.delete('/a/s/');
    await session.delete('/a/');
    expect((await session.get('/')).children).toEqual([]);
  });

  it('two spellings of one name (NFD and NFC) are one item, shown in NFC', async () => {
    const session = await admin();
    const nfd = '/cafe\u0301';
    const nfc = '/caf\u00e9';
    const created = await session.create(nfd, { type: 'secret', value: 'v' });
    expect(created.path).toBe(nfc);
    expect((await session.get(nfc)).id).toBe(created.id);
    expect((await session.get(nfd)).id).toBe(created.id);
    await refusal(session.create(nfc, { type: 'secret', value: 'w' }), 'ALREADY_EXISTS');
    expect((await session.get('/')).children).toEqual([{ name: 'caf\u00e9', type: 'secret' }]);
  });

  it('NFC applies to every segment and to every operation, ACL ones included', async () => {
    const session = await admin();
    const jamo = '\u1100\u1161'; // decomposed Hangul, NFC is U+AC00
    await session.create(`/${jamo}`, { type: 'directory' });
    await session.create(`/\uAC00/${jamo}`, { type: 'secret', value: 'v' });
    expect((await session.get(`/${jamo}/\uAC00`)).path).toBe('/\uAC00/\uAC00');
    const entries = await session.putAccess(`/${jamo}/${jamo}`, { entity: { type: 'user', id: 'u' }, access: 'read' });
    expect(await session.getAccess('/\uAC00/\uAC00')).toEqual(entries);
    await session.patch(`/\uAC00/${jamo}`, { value: 'w' });
    expect((await session.get('/\uAC00/\uAC00')).version).toBe(2);
    await session.delete(`/${jamo}/${jamo}`);
    expect((await session.get('/\uAC00')).children).toEqual([]);
  });

  it('names are case-sensitive: `/Key` and `/key` are two items', async () => {
    const session = await admin();
    const upper = await session.create('/Key', { type: 'secret', value: 'upper' });
    const lower = await session.create('/key', { type: 'secret', value: 'lower' });
    expect(upper.id).not.toBe(lower.id);
    expect((await session.get('/Key')).value).toBe('upper');
    expect((await session.get('/key')).value).toBe('lower');
    expect(await outcomeOf(session.get('/KEY'))).toBe('NOT_FOUND');
  });

  it('a malformed path is VALIDATION before existence: an admin never gets NOT_FOUND for it', async () => {
    const session = await admin();
    for (const path of ['/missing/../x', '/missing//x', '/missing/x*', '/missing/\uD800']) {
      await refusal(session.get(path), 'VALIDATION');
      await refusal(session.create(path, { type: 'directory' }), 'VALIDATION');
      await refusal(session.patch(path, { description: 'd' }), 'VALIDATION');
      await refusal(session.delete(path), 'VALIDATION');
      await refusal(session.getAccess(path), 'VALIDATION');
    }
  });

  it('a malformed path is VALIDATION before permission: a caller without rights gets VALIDATION in every operation', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/d', { type: 'directory' });
    const stranger = store.as({ id: 'stranger' });
    const entry = { entity: { type: 'user', id: 'stranger' }, access: 'read_write' } as const;
    for (const path of ['/d/../x', '/d//x', '/d/x*', '/d/\u0000', 'd', '/d/\uDFFF', `/${OVER_LIMIT.ascii}`]) {
      const calls: Record<string, () => Promise<unknown>> = {
        get: () => stranger.get(path),
        create: () => stranger.create(path, { type: 'secret', value: 'v' }),
        patch: () => stranger.patch(path, { value: 'v' }),
        delete: () => stranger.delete(path),
        getAccess: () => stranger.getAccess(path),
        putAccess: () => stranger.putAccess(path, entry),
        deleteAccess: () => stranger.deleteAccess(path, entry.entity),
      };
      for (const [operation, call] of Object.entries(calls)) {
        const error = await refusal(call, 'VALIDATION').catch((e: Error) => {
          throw new Error(`${operation}(${JSON.stringify(path)}): ${e.message}`);
        });
        expect(pointersOf(error)).toContain('/path');
      }
    }
  });

  it('a path that is not a string is VALIDATION naming /path', async () => {
    const session = await admin();
    for (const path of [42, null, undefined, ['/a'], { path: '/a' }, true] as unknown[]) {
      const error = await refusal(session.get(path as string), 'VALIDATION');
      expect(pointersOf(error)).toEqual(['/path']);
    }
  });

  it('any string is VALIDATION exactly when §2 says it is malformed (seeded property)', async () => {
    const session = await admin();
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathLike, pathLike.map((p) => `/${p}`)), async (path) => {
        const outcome = await outcomeOf(session.get(path));
        if (isWellFormedPath(path)) expect(['ok', 'NOT_FOUND'], JSON.stringify(path)).toContain(outcome);
        else expect(outcome, JSON.stringify(path)).toBe('VALIDATION');
      }),
      { seed: 20240603, numRuns: 400 },
    );
  });
});
