// Principals: validated once when a session is made, then trusted.

import { assertSchema, schemaValidator } from './validate.js';
import { ID_CAP } from './input.js';
import type { Principal, PrincipalKind } from './types.js';

/**
 * Who a session acts as, already authenticated by the host: a user (the
 * default), a token or a service identity, its groups (which policies'
 * `members.tags` and ACL group entries match) and whether it is an admin.
 */
export interface PrincipalInput {
  /** A user id, token id or service-identity id (1–255 characters). */
  readonly id: string;
  /** Default `user`. */
  readonly kind?: PrincipalKind;
  /** Group ids (each 1–255 characters). */
  readonly groups?: readonly string[];
  /** An admin may do everything, bypasses ACLs and policies, and alone reads and changes ACLs. */
  readonly admin?: boolean;
}

// Extra fields are the host's business (a display name, say) and are ignored;
// the fields coffer reads must have the right types.
export const principalSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: ID_CAP },
    kind: { enum: ['user', 'token', 'serviceIdentity'] },
    groups: { type: 'array', items: { type: 'string', minLength: 1, maxLength: ID_CAP } },
    admin: { type: 'boolean' },
  },
} as const;

/** Validates a principal; throws VALIDATION with pointers such as `/principal/groups/0`. */
export function parsePrincipal(input: unknown): Principal {
  const validator = schemaValidator('principal', principalSchema);
  assertSchema<PrincipalInput>(validator, input, '/principal');
  return Object.freeze({
    id: input.id,
    kind: input.kind ?? 'user',
    groups: Object.freeze([...new Set(input.groups ?? [])]),
    isAdmin: input.admin === true,
  });
}
