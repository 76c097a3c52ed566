// SPEC §12 — fakeClock (coffer/testing): a number or an ISO string to start,
// a string without an offset read as UTC, set and advance, every method
// usable unbound; and the store reads its clock unbound for every time it shows.

import { expect, it } from 'vitest';
import { fakeClock } from '../../src/testing/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

it.each([
  ['2024-03-10 02:30:00', Date.UTC(2024, 2, 10, 2, 30, 0)],
  ['2024-03-10T02:30:00', Date.UTC(2024, 2, 10, 2, 30, 0)],
  ['2024-03-10T02:30:00.250', Date.UTC(2024, 2, 10, 2, 30, 0, 250)],
  ['2024-11-03T01:30:00', Date.UTC(2024, 10, 3, 1, 30, 0)],
  ['2024-06-03', Date.UTC(2024, 5, 3)],
  // RFC 3339 allows a lower-case `t`; Date.parse accepts it, and reads it as local time without an offset.
  ['2024-03-10t02:30:00', Date.UTC(2024, 2, 10, 2, 30, 0)],
])('fakeClock reads `%s`, which has no offset, as UTC', (text, epoch) => {
  expect(fakeClock(text).now()).toBe(epoch);
  const clock = fakeClock(0);
  clock.set(text);
  expect(clock.now()).toBe(epoch);
});

it.each([
  ['2024-03-10T02:30:00Z', Date.UTC(2024, 2, 10, 2, 30)],
  ['2024-03-10T02:30:00+02:00', Date.UTC(2024, 2, 10, 0, 30)],
  ['2024-03-10T02:30:00-05:00', Date.UTC(2024, 2, 10, 7, 30)],
])('fakeClock keeps the offset of `%s`', (text, epoch) => {
  expect(fakeClock(text).now()).toBe(epoch);
});

it('fakeClock starts at a number of epoch milliseconds and stays there until told', () => {
  const clock = fakeClock(1_700_000_000_123);
  expect(clock.now()).toBe(1_700_000_000_123);
  expect(clock.now()).toBe(1_700_000_000_123);
});

it('fakeClock.advance moves forward by milliseconds, and set jumps to a number or a string', () => {
  const clock = fakeClock('2024-01-01T00:00:00Z');
  clock.advance(1500);
  expect(clock.now()).toBe(Date.UTC(2024, 0, 1, 0, 0, 1, 500));
  clock.advance(-500);
  expect(clock.now()).toBe(Date.UTC(2024, 0, 1, 0, 0, 1));
  clock.set(42);
  expect(clock.now()).toBe(42);
  clock.set('2030-12-31 23:59:59');
  expect(clock.now()).toBe(Date.UTC(2030, 11, 31, 23, 59, 59));
});

it('fakeClock methods work unbound', () => {
  const { now, set, advance } = fakeClock('2024-06-03T12:00:00Z');
  expect(now()).toBe(Date.UTC(2024, 5, 3, 12));
  advance(60_000);
  expect(now()).toBe(Date.UTC(2024, 5, 3, 12, 1));
  set('2025-01-01 00:00:00');
  expect(now()).toBe(Date.UTC(2025, 0, 1));
});

it('two fake clocks are independent', () => {
  const a = fakeClock(0);
  const b = fakeClock(0);
  a.advance(10);
  expect(b.now()).toBe(0);
});

describeEachAdapter('the store clock', (makeStore) => {
  it('item times come from the store clock, called unbound, as ISO-8601 UTC strings', async () => {
    const { store, clock } = await makeStore({ start: '2024-02-29 23:59:59' });
    const admin = store.as(ADMIN);
    const created = await admin.create('/s', { type: 'secret', value: 'v' });
    expect(created.createdAt).toBe('2024-02-29T23:59:59.000Z');
    clock.advance(1000);
    const patched = await admin.patch('/s', { value: 'w' });
    expect(patched.updatedAt).toBe('2024-03-01T00:00:00.000Z');
    expect(patched.createdAt).toBe('2024-02-29T23:59:59.000Z');
    clock.set('2031-05-05T05:05:05.005Z');
    expect((await admin.patch('/s', { description: 'd' })).updatedAt).toBe('2031-05-05T05:05:05.005Z');
  });
});
