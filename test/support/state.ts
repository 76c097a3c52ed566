// The whole in-memory state of a store as plain data, without process-local
// ordinals — items, policies (with whether they are alive), approval requests —
// and a sample of decisions, which reads the grants index. Two stores whose
// states are equal answer every question alike: the fault-injection and the
// reopen property tests compare a store with a fresh open of its storage.

import type { Action, Store } from '../../src/index.js';
import { engineOf } from '../../src/store.js';
import { recordOf } from '../../src/core/ops/items.js';

const ACTIONS: readonly Action[] = ['sm.node.list', 'sm.secret.read', 'sm.node.create', 'sm.secret.update', 'sm.node.delete'];

/** `people` ask `can()` for every item action on every path in `paths`. */
export async function stateOf(store: Store, people: readonly { id: string; groups?: readonly string[] }[], paths: readonly string[]): Promise<unknown> {
  const state = engineOf(store)!.state();
  const items = [...state.items.all()].map((node) => ({ path: node.path, ...recordOf(node) })).sort((a, b) => (a.path < b.path ? -1 : 1));
  const policies = state.policies.inOrder().map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    isActive: p.isActive,
    isDraft: p.isDraft,
    accessLevel: p.accessLevel,
    accessType: p.accessType,
    members: p.members,
    resource: p.resource.text,
    boundItemId: p.boundItemId,
    isAlive: state.isAlive(p),
    condition: p.condition,
  }));
  const approvals = state.approvals.all().sort((a, b) => (a.id < b.id ? -1 : 1));
  const decisions: string[] = [];
  for (const who of people) {
    const session = store.as(who);
    for (const action of ACTIONS) for (const at of paths) decisions.push(`${who.id} ${action} ${at} ${JSON.stringify(await session.can(action, at))}`);
  }
  return { items, policies, approvals, decisions };
}
