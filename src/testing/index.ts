// 'coffer/testing': the fixtures of 'coffer/testing/fixtures' and the adapter
// conformance suite, which registers vitest tests (so this entry needs vitest,
// an optional peer dependency; without it, use 'coffer/testing/fixtures').

/**
 * `coffer/testing`: everything in `coffer/testing/fixtures`, plus
 * {@link runAdapterConformance}, the storage-adapter conformance suite as
 * vitest tests. This entry needs vitest (an optional peer dependency).
 * @packageDocumentation
 * @module coffer/testing
 */
export * from './fixtures.js';
export { runAdapterConformance } from './conformance/index.js';
export type { MakeAdapter } from './conformance/index.js';
