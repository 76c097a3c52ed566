// ACLs: entries on one item, at most one per entity; evaluated on
// the item itself only. A user entry matches a principal of kind `user` with
// that id; a group entry matches a principal in that group; entries add up.

import type { Acl, AclAccess, AclEntity, AclEntry, Principal } from './types.js';

function sameEntity(a: AclEntity, b: AclEntity): boolean {
  return a.type === b.type && a.id === b.id;
}

/** The ACL with `entry` created or replacing that entity's entry (its place kept). */
export function withAclEntry(acl: Acl, entry: AclEntry): Acl {
  const index = acl.findIndex((e) => sameEntity(e.entity, entry.entity));
  if (index < 0) return Object.freeze([...acl, entry]);
  const next = [...acl];
  next[index] = entry;
  return Object.freeze(next);
}

/** The ACL without that entity's entry (the same array when it had none). */
export function withoutAclEntity(acl: Acl, entity: AclEntity): Acl {
  const index = acl.findIndex((e) => sameEntity(e.entity, entity));
  if (index < 0) return acl;
  return Object.freeze(acl.filter((_, i) => i !== index));
}

function entryMatches(entry: AclEntry, principal: Principal): boolean {
  if (entry.entity.type === 'user') return principal.kind === 'user' && entry.entity.id === principal.id;
  return principal.groups.includes(entry.entity.id);
}

/** The strongest access the ACL gives the principal, or undefined. O(entries × groups). */
export function aclAccessOf(acl: Acl, principal: Principal): AclAccess | undefined {
  let best: AclAccess | undefined;
  for (const entry of acl) {
    if (!entryMatches(entry, principal)) continue;
    if (entry.access === 'read_write') return 'read_write';
    best = 'read';
  }
  return best;
}

// A 32-bit filter of who an ACL can name, so a decision can tell without
// reading the item that its ACL grants a principal nothing: an entry sets bit
// hash(entity) mod 32; a principal has the bits of the entities that would
// match it (its user id if it is a user, each of its groups). An entry that
// matches the principal has the same entity, hence a bit in common.

function entityBit(type: 'user' | 'group', id: string): number {
  let hash = type === 'user' ? 0x811c9dc5 : 0x050c5d1f; // FNV-1a, a different basis per type
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return 1 << (hash & 31);
}

/** The bits of every entity the ACL names; 0 for an empty ACL. O(entries × id length). */
export function aclFilterBits(acl: Acl): number {
  let bits = 0;
  for (const entry of acl) bits |= entityBit(entry.entity.type, entry.entity.id);
  return bits;
}

/** The bits of every entity whose ACL entry would match the principal. */
export function principalAclBits(principal: Principal): number {
  let bits = principal.kind === 'user' ? entityBit('user', principal.id) : 0;
  for (const group of principal.groups) bits |= entityBit('group', group);
  return bits;
}

/** True when the ACL gives at least `needed`. */
export function aclGrants(acl: Acl, principal: Principal, needed: AclAccess): boolean {
  const access = aclAccessOf(acl, principal);
  return access === 'read_write' || (access === 'read' && needed === 'read');
}
