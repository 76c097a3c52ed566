// Shared helpers of the approval suites (SPEC §7.3, §8, §9): a small tree, an
// Allow policy with an approval block, the principals who ask and decide,
// and catching a CofferError.

import { expect } from 'vitest';
import { CofferError, type AccessLevel, type Notifier, type PolicyBody, type PolicyView, type Principal, type Session, type Store } from '../../src/index.js';
import { ADMIN, type StoreFactory, type TestStore } from '../support/stores.js';
import { failure, refused, tree, valueOf, type Code } from '../support/calls.js';
export { failure, refused, tree, valueOf, type Code };


export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** The principals of the suites. */
export const REQUESTER = Object.freeze({ id: 'u' });
export const OTHER_MEMBER = Object.freeze({ id: 'u2' });
export const APPROVER = Object.freeze({ id: 'boss' });
export const LEAD = Object.freeze({ id: 'lead-1', groups: ['leads'] });
export const STRANGER = Object.freeze({ id: 'stranger' });




/**
 * Creates items as an admin, in order. A path ending in `/` is a directory
 * (the slash is dropped), any other a secret whose value is `value of <path>`.
 */

export const TREE = ['/prod/', '/prod/db', '/prod/api', '/prod/sub/', '/prod/sub/deep', '/other/', '/other/s'] as const;

export interface ApprovalBlockInput {
  approvers?: { userIds?: string[]; tags?: string[] };
  validFor?: number;
  isValidForInDays?: boolean;
  timeToApprove?: number;
  notificationMedium?: string | string[];
}

/** An approval block: approvers `boss` and group `leads`, valid 60 minutes, 30 minutes to approve. */
export function approvalBlock(over: ApprovalBlockInput = {}) {
  return {
    approvers: { userIds: ['boss'], tags: ['leads'] },
    validFor: 60,
    isValidForInDays: false,
    timeToApprove: 30,
    notificationMedium: 'ops-channel',
    ...over,
  };
}

export interface GateOptions {
  readonly resource?: string;
  readonly accessLevel?: 'SM_View' | 'SM_CRUD' | 'SM_Manage';
  readonly users?: readonly string[];
  readonly tags?: readonly string[];
  readonly serviceIdentities?: readonly string[];
  readonly tokens?: readonly string[];
  readonly approval?: ApprovalBlockInput;
  /** Extra condition parts (ipAddress, timeOfAccess) beside the approval block. */
  readonly condition?: Record<string, unknown>;
  readonly description?: string;
}

const asMembers = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => ({ id }));

/** Creates an Allow policy with an approval block (default: SM_View on /prod/*, member `u` and `u2`). */
export async function gate(admin: Session, name: string, options: GateOptions = {}): Promise<PolicyView> {
  const body: Record<string, unknown> = {
    name,
    resource: options.resource ?? '/prod/*',
    accessLevel: options.accessLevel ?? 'SM_View',
    accessType: 'Allow',
    members: {
      users: asMembers(options.users ?? ['u', 'u2']),
      tags: asMembers(options.tags),
      tokens: asMembers(options.tokens),
      serviceIdentities: asMembers(options.serviceIdentities),
    },
    condition: { ...(options.condition ?? {}), approval: approvalBlock(options.approval) },
  };
  if (options.description !== undefined) body.description = options.description;
  return admin.policies.create(body as unknown as PolicyBody);
}

/** Creates an Allow policy without any condition. */
export async function allow(admin: Session, name: string, resource: string, users: readonly string[], accessLevel: AccessLevel = 'SM_View'): Promise<PolicyView> {
  return admin.policies.create({ name, resource, accessLevel, members: { users: asMembers(users) } });
}

/** A test's world: a store on the fake clock, the tree, one gated policy. */
export interface World {
  t: TestStore;
  readonly store: Store;
  readonly admin: Session;
  readonly gate: PolicyView;
  /** A session on the current store (after `reopen`, the new one). */
  as(principal: object, ip?: string): Session;
  reopen(): Promise<void>;
}

export async function world(makeStore: StoreFactory, options: GateOptions & { start?: string; notify?: Notifier } = {}): Promise<World> {
  const { start, notify, ...gateOptions } = options;
  const t = await makeStore({ start: start ?? '2024-06-03T12:00:00Z', ...(notify !== undefined ? { notify } : {}) });
  const admin = t.store.as(ADMIN);
  await tree(admin, TREE);
  const policy = await gate(admin, 'Prod Gate', gateOptions);
  const w: World = {
    t,
    get store() {
      return w.t.store;
    },
    get admin() {
      return w.t.store.as(ADMIN);
    },
    gate: policy,
    as: (principal, ip) => w.t.store.as(principal as Principal, ip === undefined ? undefined : { ip }),
    reopen: async () => {
      w.t = await w.t.reopen();
    },
  };
  return w;
}

/** An ISO time `ms` after `iso`. */
export const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
