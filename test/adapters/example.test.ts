// The adapter docs/adapters.md shows (examples/map-adapter.mjs, written with
// createAdapter and nothing else) meets the whole contract, and the docs show
// it verbatim.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runAdapterConformance } from '../../src/testing/index.js';
// @ts-expect-error a JavaScript example, imported as a user would (through the package's name)
import { mapAdapter } from '../../examples/map-adapter.mjs';

runAdapterConformance('the Map adapter of docs/adapters.md', () => mapAdapter());

it('docs/adapters.md shows examples/map-adapter.mjs verbatim', () => {
  const docs = readFileSync(new URL('../../docs/adapters.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../../examples/map-adapter.mjs', import.meta.url), 'utf8');
  expect(docs).toContain('```js\n' + example + '```');
});
