// runAdapterConformance: the StorageAdapter contract as vitest tests
// any adapter can run, one guarantee per file. Hosts import it from
// 'coffer/testing'; docs/adapters.md explains each rule.

import { describe } from 'vitest';
import { batchGuarantees } from './batch.js';
import { concurrencyGuarantees } from './concurrency.js';
import { getGuarantees } from './get.js';
import { useAdapter, type MakeAdapter } from './harness.js';
import { isolationGuarantees } from './isolation.js';
import { lifecycleGuarantees } from './lifecycle.js';
import { orderGuarantees } from './order.js';
import { rangeGuarantees } from './range.js';

/**
 * Registers the conformance tests for one adapter. `make` is called before
 * each test and must return a fresh adapter on empty storage (for a persistent
 * adapter, e.g. a new temporary directory); the suite opens it, and closes it
 * after the test. Call it at the top level of a test file or inside a describe.
 */
export function runAdapterConformance(name: string, make: MakeAdapter): void {
  describe(`${name} meets the coffer StorageAdapter contract`, () => {
    const harness = useAdapter(make);
    orderGuarantees(harness);
    getGuarantees(harness);
    batchGuarantees(harness);
    rangeGuarantees(harness);
    isolationGuarantees(harness);
    lifecycleGuarantees(harness);
    concurrencyGuarantees(harness);
  });
}

export type { MakeAdapter } from './harness.js';
