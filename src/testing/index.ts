// 'coffer/testing': helpers for host projects' tests. Importing it needs vitest
// (an optional peer dependency) because the conformance suite registers tests.
export { fakeClock, DEFAULT_FAKE_CLOCK_START } from './clock.js';
export type { FakeClock } from './clock.js';
export { runAdapterConformance } from './conformance/index.js';
export { fixtureStore, sequentialIds } from './fixture.js';
export type { FixtureSpec, FixtureTree, FixtureSecret } from './fixture.js';
