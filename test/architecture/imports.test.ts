// The shape of the code: no import cycles anywhere in src/ and adapters/ —
// `import type` and `export … from` count too — and no side effect when a
// module is imported (the package says `sideEffects: false`).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const files = [...sourcesUnder(join(root, 'src')), ...sourcesUnder(join(root, 'adapters'))];

/** Each file's relative imports and re-exports (types included), as files. */
const graph = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((m) => normalize(join(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
    return [normalize(file), targets];
  }),
);

/** Every cycle met by a depth-first walk, as a chain of files. */
function cycles(): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') found.push([...stack.slice(stack.indexOf(target)), target].map((f) => relative(root, f)).join(' → '));
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('module structure', () => {
  it('reads every source file and its imports (the walk sees the graph)', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(graph.get(normalize(join(root, 'src/index.ts')))!.length).toBeGreaterThan(5);
  });

  it('has no import cycle, counting `import type` and re-exports', () => {
    expect(cycles()).toEqual([]);
  });

  it('runs nothing at import but declarations: no top-level call of a setup function such as enableMapSet', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(text, relative(root, file)).not.toMatch(/^(?:enableMapSet|enablePatches|setAutoFreeze|addFormats)\s*\(/m);
    }
  });

  it('every module opens with a comment saying what it owns', () => {
    for (const file of files) expect(readFileSync(file, 'utf8'), relative(root, file)).toMatch(/^\/\/ \S/);
  });
});
