// The policy model: parsing create and update bodies into a
// typed, normalised policy, and the views the API returns. Permissions are
// never stored: they are derived on read from accessLevel and resource.

import { compileCondition, parseCondition, type CompiledCondition, type Condition, type ConditionInput } from './conditions/index.js';
import { ACCESS_LEVELS, CONSUMER, derivePermissions, summaryResources, type AccessLevel, type PermissionView } from './permissions.js';
import { checkResource, type ResourceTarget } from './resources.js';
import { attempt, collectProblems, detailsFromAjv, isPlainObject, isWellFormed, schemaValidator } from './validate.js';
import { DEFAULT_STRING_CAP, ID_CAP, RAW_FACTOR } from './input.js';

/** `Allow` grants what the access level says; `Deny` refuses it to everyone but admins, whatever ACL entries and Allow policies say. */
export type AccessType = 'Allow' | 'Deny';

/** A member of a policy: an id and, if given, a display name. */
export interface Member {
  /** The user, group, token or service-identity id (`*` among users: every user). */
  readonly id: string;
  /** A display name, as given; coffer does not use it. */
  readonly name?: string;
}

/** Who a policy applies to: a principal matches when any list names it. */
export interface Members {
  /** Users by id (`{ id: '*' }`: every user). */
  readonly users: readonly Member[];
  /** Groups by id: a principal in one of them matches. */
  readonly tags: readonly Member[];
  /** Token principals by id. */
  readonly tokens: readonly Member[];
  /** Service-identity principals by id. */
  readonly serviceIdentities: readonly Member[];
}

export const NO_MEMBERS: Members = Object.freeze({ users: [], tags: [], tokens: [], serviceIdentities: [] });

/** A stored policy. `boundItemId` is the item its path resource named when set (null for `*`). */
export interface Policy {
  readonly id: string;
  readonly name: string;
  /** `name.toLowerCase()`: the listing and decision order is (sortKey, id). */
  readonly sortKey: string;
  readonly description: string;
  readonly isActive: boolean;
  readonly isDraft: boolean;
  readonly isReadOnly: boolean;
  readonly condition: Condition | null;
  readonly compiled: CompiledCondition | null;
  readonly members: Members;
  readonly accessLevel: AccessLevel;
  readonly resource: ResourceTarget;
  readonly boundItemId: string | null;
  readonly accessType: AccessType;
  /** The ids of permissions 0, 1 and 2, kept across updates. */
  readonly permissionIds: readonly string[];
}

/** The order of every "by name then id": lower-cased name in UTF-16 order, then id. */
export function comparePolicies(a: Pick<Policy, 'sortKey' | 'id'>, b: Pick<Policy, 'sortKey' | 'id'>): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// ---------------------------------------------------------------- input

export const NAME_MAX = 128;
export const DESCRIPTION_MAX = 255;
const NAME_PATTERN = /^[A-Za-z0-9 _-]+$/;

const memberListSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1, maxLength: ID_CAP }, name: { type: 'string', maxLength: DEFAULT_STRING_CAP } },
  },
} as const;

export const membersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { users: memberListSchema, tags: memberListSchema, tokens: memberListSchema, serviceIdentities: memberListSchema },
} as const;

const bodyProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string', maxLength: DESCRIPTION_MAX },
  isActive: { type: 'boolean' },
  isDraft: { type: 'boolean' },
  isReadOnly: { type: 'boolean' },
  condition: {},
  permissions: {},
  members: membersSchema,
  accessLevel: { enum: [...ACCESS_LEVELS] },
  resource: { type: 'string' },
  consumer: { type: 'string' },
  accessType: { enum: ['Allow', 'Deny'] },
} as const;

export const createSchema = { type: 'object', additionalProperties: false, required: ['name', 'resource'], properties: bodyProperties } as const;
export const updateSchema = { type: 'object', additionalProperties: false, properties: bodyProperties } as const;

/** A member as a policy body gives it: an id (`*` among users: every user) and an optional display name. */
export interface MemberInput {
  /** 1–255 characters. */
  readonly id: string;
  /** A display name (at most 4,096 characters), kept as given. */
  readonly name?: string;
}

/** Who a policy applies to; lists left out are empty. */
export interface MembersInput {
  /** Users by id (`{ id: '*' }`: every user). */
  readonly users?: readonly MemberInput[];
  /** Groups: a principal in one of them matches. */
  readonly tags?: readonly MemberInput[];
  /** Token principals by id. */
  readonly tokens?: readonly MemberInput[];
  /** Service-identity principals by id. */
  readonly serviceIdentities?: readonly MemberInput[];
}

/**
 * A policy as `policies.create` takes it. `permissions` are derived from
 * `accessLevel` and `resource` and cannot be written; `isReadOnly` is for the
 * built-ins only (`false` is accepted and changes nothing).
 */
export interface PolicyBody {
  /** 1–128 characters of ASCII letters, digits, space, `_` and `-`; unique case-insensitively. */
  readonly name: string;
  /** `*`, `/`, an item path, or an item path + `/*` (that item and everything below it). */
  readonly resource: string;
  /** At most 255 characters. */
  readonly description?: string;
  /** Default true. */
  readonly isActive?: boolean;
  /** Default false; a draft takes no part in decisions. */
  readonly isDraft?: boolean;
  /** Only `false` is accepted (it changes nothing): only the built-in policies are read-only. */
  readonly isReadOnly?: false;
  /** IP, time-of-access and approval conditions, as an object or its JSON string; null or `{}` for none. */
  readonly condition?: ConditionInput | string | null;
  /** Who the policy applies to; default none (lists left out are empty). */
  readonly members?: MembersInput;
  /** Default SM_View. */
  readonly accessLevel?: AccessLevel;
  /** Only `secretmanager`. */
  readonly consumer?: 'secretmanager';
  /** Default Allow. */
  readonly accessType?: AccessType;
}

/** A partial update: the fields present replace, those absent stay; a body `id` must be the policy's own. */
export interface PolicyPatch extends Partial<PolicyBody> {
  /** The policy's own id, if given at all (any other id is VALIDATION). */
  readonly id?: string;
}

/** A checked body: the fields present, normalised. */
export interface PolicyFields {
  readonly name?: string;
  readonly description?: string;
  readonly isActive?: boolean;
  readonly isDraft?: boolean;
  /** `undefined` when absent; `null` for "no condition". */
  readonly condition?: Condition | null;
  readonly members?: Members;
  readonly accessLevel?: AccessLevel;
  readonly resource?: ResourceTarget;
  readonly accessType?: AccessType;
}

function copyMembers(input: Record<string, unknown>): Members {
  const list = (value: unknown): Member[] =>
    Array.isArray(value) ? value.map((m: { id: string; name?: string }) => Object.freeze(m.name === undefined ? { id: m.id } : { id: m.id, name: m.name })) : [];
  return Object.freeze({ users: list(input.users), tags: list(input.tags), tokens: list(input.tokens), serviceIdentities: list(input.serviceIdentities) });
}

/**
 * Checks a create (`isCreate`) or update body and returns the fields present.
 * `currentAccessType` is the policy's accessType on update, so an approval
 * block is refused on what will be a Deny policy.
 */
export function parsePolicyBody(input: unknown, isCreate: boolean, currentAccessType: AccessType = 'Allow', currentId?: string): PolicyFields {
  return collectProblems((problems) => {
    const validator = schemaValidator(isCreate ? 'policy-create' : 'policy-update', isCreate ? createSchema : updateSchema);
    if (!validator(input)) problems.push(...detailsFromAjv(validator.errors));
    const fields: { -readonly [K in keyof PolicyFields]: PolicyFields[K] } = {};
    if (!isPlainObject(input)) return fields; // refused: the schema reported it

    if (isCreate && input.id !== undefined) problems.push({ pointer: '/id', message: 'is made by the store and cannot be given' });
    if (!isCreate && input.id !== undefined && input.id !== currentId) problems.push({ pointer: '/id', message: "must be the policy's own id" });
    if (input.permissions !== undefined) problems.push({ pointer: '/permissions', message: 'are derived from accessLevel and resource and cannot be written' });
    if (input.isReadOnly === true) problems.push({ pointer: '/isReadOnly', message: 'only built-in policies are read-only' });
    if (input.consumer !== undefined && input.consumer !== CONSUMER) problems.push({ pointer: '/consumer', message: `must be \`${CONSUMER}\`` });

    if (typeof input.name === 'string' && input.name.length > NAME_MAX * RAW_FACTOR) {
      problems.push({ pointer: '/name', message: `is longer than ${NAME_MAX} characters` });
    } else if (typeof input.name === 'string') {
      const name = input.name.trim();
      if (!NAME_PATTERN.test(input.name) || name.length === 0 || name.length > NAME_MAX) {
        problems.push({ pointer: '/name', message: `must be 1–${NAME_MAX} characters of ASCII letters, digits, space, \`_\` and \`-\`` });
      } else fields.name = name;
    }
    if (typeof input.description === 'string') {
      if (!isWellFormed(input.description)) problems.push({ pointer: '/description', message: 'is not valid Unicode (it holds a lone surrogate)' });
      else if (input.description.length <= DESCRIPTION_MAX) fields.description = input.description;
    }
    if (typeof input.isActive === 'boolean') fields.isActive = input.isActive;
    if (typeof input.isDraft === 'boolean') fields.isDraft = input.isDraft;
    if (input.accessLevel !== undefined && ACCESS_LEVELS.includes(input.accessLevel as AccessLevel)) fields.accessLevel = input.accessLevel as AccessLevel;
    if (input.accessType === 'Allow' || input.accessType === 'Deny') fields.accessType = input.accessType;
    if (isPlainObject(input.members) && problems.every((p) => !p.pointer.startsWith('/members'))) fields.members = copyMembers(input.members);
    if (typeof input.resource === 'string') {
      const checked = checkResource(input.resource);
      if ('problems' in checked) problems.push(...checked.problems);
      else fields.resource = checked.target;
    }
    if (input.condition !== undefined) {
      const condition = attempt(problems, () => parseCondition(input.condition, '/condition', fields.accessType ?? currentAccessType));
      if (condition !== undefined) fields.condition = condition;
    }
    return fields;
  });
}

/** A new policy from checked create fields. */
export function newPolicy(id: string, fields: PolicyFields, boundItemId: string | null, permissionIds: readonly string[]): Policy {
  return withFields(
    {
      id,
      name: fields.name!,
      sortKey: fields.name!.toLowerCase(),
      description: '',
      isActive: true,
      isDraft: false,
      isReadOnly: false,
      condition: null,
      compiled: null,
      members: NO_MEMBERS,
      accessLevel: 'SM_View',
      resource: fields.resource!,
      boundItemId,
      accessType: 'Allow',
      permissionIds: Object.freeze([...permissionIds]),
    },
    fields,
    boundItemId,
  );
}

/**
 * A frozen policy of one fixed shape: every field written by one literal, so
 * V8 keeps them all inside the object (a spread copy moves most of them to a
 * separate property array, one more memory load per field a decision reads).
 */
export function policyOf(p: Policy): Policy {
  return Object.freeze({
    id: p.id,
    name: p.name,
    sortKey: p.sortKey,
    description: p.description,
    isActive: p.isActive,
    isDraft: p.isDraft,
    isReadOnly: p.isReadOnly,
    condition: p.condition,
    compiled: p.compiled,
    members: p.members,
    accessLevel: p.accessLevel,
    resource: p.resource,
    boundItemId: p.boundItemId,
    accessType: p.accessType,
    permissionIds: p.permissionIds,
  });
}

/** The policy with the fields present replaced (partial update). */
export function withFields(policy: Policy, fields: PolicyFields, boundItemId: string | null): Policy {
  const condition = fields.condition !== undefined ? fields.condition : policy.condition;
  const name = fields.name ?? policy.name;
  return policyOf({
    id: policy.id,
    name,
    sortKey: name.toLowerCase(),
    description: fields.description ?? policy.description,
    isActive: fields.isActive ?? policy.isActive,
    isDraft: fields.isDraft ?? policy.isDraft,
    isReadOnly: policy.isReadOnly,
    condition,
    compiled: condition === policy.condition ? policy.compiled : condition === null ? null : compileCondition(condition),
    members: fields.members ?? policy.members,
    accessLevel: fields.accessLevel ?? policy.accessLevel,
    resource: fields.resource ?? policy.resource,
    boundItemId,
    accessType: fields.accessType ?? policy.accessType,
    permissionIds: policy.permissionIds,
  });
}

// ---------------------------------------------------------------- views

/** The fields a policy view and a summary both begin with, in the order they show them. */
interface PolicyHead {
  /** The policy's id, made by the store. */
  id: string;
  /** The policy's name: unique case-insensitively. */
  name: string;
  /** The description; `""` when none was given. */
  description: string;
  /** False: the policy takes no part in decisions. */
  isActive: boolean;
  /** True: a draft, which takes no part in decisions. */
  isDraft: boolean;
  /** True for the built-in policies (SMAdminPolicy, SMAuditorPolicy), which no caller can change or delete. */
  isReadOnly: boolean;
}

/** A policy as `policies.create`, `get` and `update` return it. */
export interface PolicyView extends PolicyHead {
  /** The normalised condition, or null for none: an object, except from `policies.get` without `conditionJson: true`, which gives its JSON string. */
  condition: Condition | string | null;
  /** The three permissions derived from `accessLevel` and `resource`. */
  permissions: PermissionView[];
  /** Who the policy applies to; every list present, possibly empty. */
  members: {
    /** Users by id (`*`: every user). */
    users: Member[];
    /** Groups by id. */
    tags: Member[];
    /** Token principals by id. */
    tokens: Member[];
    /** Service-identity principals by id. */
    serviceIdentities: Member[]
  };
  /** What the policy grants on its resource. */
  accessLevel: AccessLevel;
  /** The resource as stored: `*`, `/`, a canonical item path, or a path + `/*`. */
  resource: string;
  /** Always `secretmanager`. */
  consumer: string;
  /** `Allow` or `Deny`. */
  accessType: AccessType;
}

/** A policy as `policies.list` shows it. */
export interface PolicySummary extends PolicyHead {
  /** Every resource its permissions name, without repeats, in UTF-16 order. */
  resources: string[];
  /** `Allow` or `Deny`. */
  accessType: AccessType;
}

function copyList(list: readonly Member[]): Member[] {
  return list.map((m) => (m.name === undefined ? { id: m.id } : { id: m.id, name: m.name }));
}

/** The PolicyHead of a policy. */
function headOf(policy: Policy): PolicyHead {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    isActive: policy.isActive,
    isDraft: policy.isDraft,
    isReadOnly: policy.isReadOnly,
  };
}

/** A fresh plain view; `conditionAsObject` false gives the JSON string form. */
export function policyView(policy: Policy, isAlive: boolean, conditionAsObject: boolean): PolicyView {
  const condition = policy.condition === null ? null : conditionAsObject ? structuredCloneJson(policy.condition) : JSON.stringify(policy.condition);
  return {
    ...headOf(policy),
    condition,
    permissions: derivePermissions(policy.name, policy.accessLevel, policy.resource, policy.permissionIds, isAlive),
    members: {
      users: copyList(policy.members.users),
      tags: copyList(policy.members.tags),
      tokens: copyList(policy.members.tokens),
      serviceIdentities: copyList(policy.members.serviceIdentities),
    },
    accessLevel: policy.accessLevel,
    resource: policy.resource.text,
    consumer: CONSUMER,
    accessType: policy.accessType,
  };
}

export function policySummary(policy: Policy, isAlive: boolean): PolicySummary {
  return {
    ...headOf(policy),
    resources: summaryResources(derivePermissions(policy.name, policy.accessLevel, policy.resource, policy.permissionIds, isAlive)),
    accessType: policy.accessType,
  };
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** True when two normalised conditions are the same (for "an update that changes nothing"). */
export function sameCondition(a: Condition | null, b: Condition | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when two member lists are the same (names included). */
export function sameMembers(a: Members, b: Members): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when two member lists name the same principals (display names aside): who a policy applies to is unchanged. */
export function sameMemberIds(a: Members, b: Members): boolean {
  const ids = (m: Members) => JSON.stringify([m.users, m.tags, m.tokens, m.serviceIdentities].map((list) => list.map((member) => member.id).sort()));
  return ids(a) === ids(b);
}

/**
 * True when an update ends the policy's approval requests: deactivated, made
 * a draft, or its members (who they are: a display name or the order does not
 * count), resource, accessLevel, accessType or condition changed (after
 * normalisation).
 */
export function updateEndsRequests(before: Policy, after: Policy): boolean {
  return (
    (before.isActive && !after.isActive) ||
    (!before.isDraft && after.isDraft) ||
    !sameMemberIds(before.members, after.members) ||
    before.resource.text !== after.resource.text ||
    before.boundItemId !== after.boundItemId ||
    before.accessLevel !== after.accessLevel ||
    before.accessType !== after.accessType ||
    !sameCondition(before.condition, after.condition)
  );
}

/** True when an update changed nothing (after normalisation). */
export function samePolicy(a: Policy, b: Policy): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    a.isActive === b.isActive &&
    a.isDraft === b.isDraft &&
    a.accessLevel === b.accessLevel &&
    a.accessType === b.accessType &&
    a.resource.text === b.resource.text &&
    a.boundItemId === b.boundItemId &&
    sameCondition(a.condition, b.condition) &&
    sameMembers(a.members, b.members)
  );
}
