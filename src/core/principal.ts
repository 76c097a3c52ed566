// Principals (SPEC §1): validated once when a session is made, then trusted.

import { assertSchema, schemaValidator } from './validate.js';
import type { Principal, PrincipalKind } from './types.js';

interface PrincipalInput {
  id: string;
  kind?: PrincipalKind;
  groups?: string[];
  admin?: boolean;
}

/** The cap of a principal, group, member or ACL entity id, in characters. */
export const ID_CAP = 255;

// Extra fields are the host's business (a display name, say) and are ignored;
// the fields coffer reads must have the right types.
const principalSchema = {
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
