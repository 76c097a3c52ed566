import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // two cores: keep the run lean and LevelDB temp dirs from contending
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    // Not UTC on purpose: a time read as local instead of UTC shows up as a failure.
    env: { TZ: 'America/New_York' },
    hookTimeout: 30_000,
  },
});
