// STYLE §1, §11, §12: the domain core (src/core) is pure — no I/O, no clock,
// no randomness, nothing from the shell — and each dependency sits behind one
// module of ours (ajv → validate.ts; luxon, ipaddr.js → conditions/).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../../src/core/', import.meta.url));

function sourcesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    if (!name.endsWith('.ts')) return [];
    // Comments may talk about what the code must not do.
    const text = readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    return [{ file: relative(core, full), text }];
  });
}

const sources = sourcesUnder(core);

describe('the core is pure', () => {
  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(15);
  });

  it('imports nothing from node: and requires nothing', () => {
    for (const { file, text } of sources) expect(text, file).not.toMatch(/from\s+['"]node:|require\(|import\(\s*['"]node:/);
  });

  it('never reads the clock or makes randomness', () => {
    for (const { file, text } of sources) expect(text, file).not.toMatch(/Date\.now\s*\(|new Date\s*\(\s*\)|Math\.random|performance\.now|crypto\.|randomUUID/);
  });

  it('imports nothing from the shell (outside src/core)', () => {
    for (const { file, text } of sources) {
      const depth = file.split('/').length - 1;
      const escape = depth === 0 ? /from\s+['"]\.\.\// : new RegExp(`from\\s+['"](\\.\\./){${depth + 1},}`);
      expect(text, file).not.toMatch(escape);
    }
  });

  it('uses ajv only in validate.ts (types aside), luxon and ipaddr.js only under conditions/', () => {
    for (const { file, text } of sources) {
      const code = text.replace(/^import type .*$/gm, '');
      if (file !== 'validate.ts') expect(code, file).not.toMatch(/from\s+['"]ajv/);
      if (!file.startsWith('conditions')) expect(text, file).not.toMatch(/from\s+['"](luxon|ipaddr\.js)['"]/);
    }
  });
});
