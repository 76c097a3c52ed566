// STYLE §11: the conditions core imports nothing from `node:`, never reads the clock or
// Math.random, and keeps each dependency behind one module (luxon → schedule.ts, ipaddr.js → ip.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/core/conditions/', import.meta.url);
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(new URL(file, dir), 'utf8').replace(/\/\/.*$/gm, '') }));

describe('the conditions core is pure', () => {
  it('imports nothing from node:', () => {
    for (const { file, text } of sources) expect(text, file).not.toMatch(/from\s+['"]node:|require\(/);
  });

  it('never reads the clock or Math.random', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/Date\.now\s*\(|new Date\s*\(\s*\)|Math\.random|performance\.now/);
    }
  });

  it('luxon is imported by schedule.ts only and ipaddr.js by ip.ts only', () => {
    for (const { file, text } of sources) {
      if (file !== 'schedule.ts') expect(text, file).not.toMatch(/from\s+['"]luxon['"]/);
      if (file !== 'ip.ts') expect(text, file).not.toMatch(/from\s+['"]ipaddr\.js['"]/);
    }
  });
});
