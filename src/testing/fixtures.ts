// 'coffer/testing/fixtures': the test fixtures with no test-runner import —
// fixtureStore, fakeClock and sequentialIds work under vitest, Jest or
// node:test alike. Re-exports only.

/**
 * `coffer/testing/fixtures`: test fixtures that import no test runner —
 * {@link fixtureStore} (a memory store loaded from one object),
 * {@link fakeClock} and {@link sequentialIds}.
 * @packageDocumentation
 * @module coffer/testing/fixtures
 */
export { fakeClock, DEFAULT_FAKE_CLOCK_START } from './clock.js';
export type { FakeClock } from './clock.js';
export { fixtureStore, sequentialIds } from './fixture.js';
export type { FixtureSpec, FixtureTree, FixtureSecret } from './fixture.js';
