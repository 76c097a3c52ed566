// Shared helpers of the policy suites (SPEC §5, §6, §8): catching a
// CofferError, building an item tree as an admin, and creating policies with
// the few fields a test cares about.

import { expect } from 'vitest';
import { CofferError, type PolicyBody, type PolicyView, type Session } from '../../src/index.js';
import { failure, refused, tree, valueOf, type Code } from '../support/calls.js';
export { failure, refused, tree, valueOf, type Code };
export { byNameThenId } from '../support/order.js';


export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;



/** The pointers of a VALIDATION refusal (never empty). */
export async function pointersOf(call: Promise<unknown> | (() => Promise<unknown>)): Promise<string[]> {
  const error = await refused(call, 'VALIDATION');
  expect(error.status).toBe(400);
  expect(error.details?.length ?? 0).toBeGreaterThan(0);
  return (error.details ?? []).map((d) => d.pointer);
}

/**
 * Creates items as an admin, in order. A path ending in `/` is a directory
 * (the slash is dropped), any other a secret whose value is `value of <path>`.
 */

export type Level = 'SM_View' | 'SM_CRUD' | 'SM_Manage';

export interface GrantOptions {
  readonly accessLevel?: Level;
  readonly accessType?: 'Allow' | 'Deny';
  readonly users?: readonly string[];
  readonly tags?: readonly string[];
  readonly tokens?: readonly string[];
  readonly serviceIdentities?: readonly string[];
  readonly condition?: unknown;
  readonly isActive?: boolean;
  readonly isDraft?: boolean;
}

const asMembers = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => ({ id }));

/** Creates a policy as `session` (usually the admin) and returns the stored policy. */
export async function grant(session: Session, name: string, resource: string, options: GrantOptions = {}): Promise<PolicyView> {
  const body: Record<string, unknown> = {
    name,
    resource,
    accessLevel: options.accessLevel ?? 'SM_View',
    accessType: options.accessType ?? 'Allow',
    members: {
      users: asMembers(options.users),
      tags: asMembers(options.tags),
      tokens: asMembers(options.tokens),
      serviceIdentities: asMembers(options.serviceIdentities),
    },
  };
  if (options.condition !== undefined) body.condition = options.condition;
  if (options.isActive !== undefined) body.isActive = options.isActive;
  if (options.isDraft !== undefined) body.isDraft = options.isDraft;
  return session.policies.create(body as unknown as PolicyBody);
}


/** An approval block (SPEC §7.3) for conditions; approvals themselves are not requested here. */
export const APPROVAL = Object.freeze({
  approvers: { userIds: ['approver-1'] },
  validFor: 60,
  isValidForInDays: false,
  timeToApprove: 30,
  notificationMedium: 'channel-1',
});
