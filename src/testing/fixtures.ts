// 'coffer/testing/fixtures': the test fixtures with no test-runner import —
// fixtureStore, fakeClock and sequentialIds work under vitest, Jest or
// node:test alike. Re-exports only.
export { fakeClock, DEFAULT_FAKE_CLOCK_START } from './clock.js';
export type { FakeClock } from './clock.js';
export { fixtureStore, sequentialIds } from './fixture.js';
export type { FixtureSpec, FixtureTree, FixtureSecret } from './fixture.js';
