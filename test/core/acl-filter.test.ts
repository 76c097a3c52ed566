// The ACL filter (acl.ts): 32 bits per item naming who its ACL entries could
// match, and 32 bits per principal, so a decision skips reading an item whose
// ACL cannot match. The filter may say "maybe" wrongly (bits collide) but must
// never say "no" to a principal an entry matches: that would turn an ACL grant
// (§8 step 3) into a refusal.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { aclAccessOf, aclFilterBits, principalAclBits } from '../../src/core/acl.js';
import { parsePrincipal } from '../../src/core/principal.js';
import type { Acl, AclEntry } from '../../src/core/types.js';

const entry = (type: 'user' | 'group', id: string, access: 'read' | 'read_write' = 'read'): AclEntry => ({ entity: { type, id }, access });

describe('the ACL filter', () => {
  it('an empty ACL has no bits, so it never asks for the item', () => {
    expect(aclFilterBits([])).toBe(0);
  });

  it('a user entry and a group entry with the same id set different bits for different principals: a group named "alice" does not match user alice', () => {
    // Different FNV bases per entity type; the decision still reads the item on a collision, so this only checks the types are hashed apart.
    const ids = Array.from({ length: 64 }, (_, i) => `id${i}`);
    const differing = ids.filter((id) => aclFilterBits([entry('user', id)]) !== aclFilterBits([entry('group', id)]));
    expect(differing.length).toBeGreaterThan(32);
  });

  it('never rules out a principal that an entry matches (property, seeded): user entries by id, group entries by any of its groups', () => {
    const id = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('user' as const, 'group' as const), id, fc.constantFrom('read' as const, 'read_write' as const)), { maxLength: 12 }),
        fc.record({ id, kind: fc.constantFrom('user', 'token', 'serviceIdentity'), groups: fc.uniqueArray(id, { maxLength: 5 }) }),
        (entries, who) => {
          const acl: Acl = entries.map(([type, entityId, access]) => entry(type, entityId, access));
          const principal = parsePrincipal(who);
          const matches = aclAccessOf(acl, principal) !== undefined;
          const mayMatch = (aclFilterBits(acl) & principalAclBits(principal)) !== 0;
          if (matches) expect(mayMatch).toBe(true);
        },
      ),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('a principal named by an entry always shares a bit with that ACL, for many ids (no false "no")', () => {
    for (let i = 0; i < 2000; i++) {
      const user = parsePrincipal({ id: `user-${i}`, groups: [`group-${i % 37}`] });
      expect(aclFilterBits([entry('user', `user-${i}`)]) & principalAclBits(user)).not.toBe(0);
      expect(aclFilterBits([entry('group', `group-${i % 37}`)]) & principalAclBits(user)).not.toBe(0);
    }
  });
});
