// openStore's options: their types, their checks (every problem listed, with
// a pointer), the key (given, provided, or generated for a memory adapter),
// and how an adapter's failure becomes a CofferError.

import { randomUUID } from 'node:crypto';
import { AdapterError, type StorageAdapter } from './adapter.js';
import type { AuditEvent } from './audit.js';
import { KEY_BYTES, randomKey } from './crypto.js';
import type { ApprovalView } from './core/approvals.js';
import { CofferError, corrupt, internalError, storageFailure, validationError, type ErrorDetail } from './core/errors.js';
import { readInput } from './core/input.js';
import { DEFAULT_MAX_SECRET_BYTES } from './core/item.js';
import { membersSchema, type Members } from './core/policy.js';
import { attempt, detailsFromAjv, isPlainObject, schemaValidator } from './core/validate.js';

/** A function that gives the store's 32-byte key when the store opens (from a KMS, say). */
export type KeyProvider = () => Promise<Uint8Array>;

/** Called with each new approval request and its policy's `notificationMedium`; a failure is audited, never undoes the request. */
export type Notifier = (request: ApprovalView, medium: string | string[]) => void | Promise<void>;

/** Receives one event per session call (but `can`); a throwing sink becomes a process warning. */
export type AuditSink = (event: AuditEvent) => void;

/** The members of a built-in policy, as the host sets them at open (lists left out are empty). */
export interface PartialMembers {
  /** Users by id (`{ id: '*' }`: every user). */
  readonly users?: Members['users'];
  /** Groups by id: a principal in one of them is a member. */
  readonly tags?: Members['tags'];
  /** Token principals by id. */
  readonly tokens?: Members['tokens'];
  /** Service-identity principals by id. */
  readonly serviceIdentities?: Members['serviceIdentities'];
}

/** Members of the built-in policies; no caller can change them. */
export interface BuiltinMembers {
  /** Members of SMAdminPolicy: access level `SM_Manage` on `*` (manage every item and policy). Absent: no members. */
  readonly SMAdminPolicy?: PartialMembers;
  /** Members of SMAuditorPolicy: access level `SM_View` on `*` (list every directory, read every secret). Absent: no members. */
  readonly SMAuditorPolicy?: PartialMembers;
}

/** The options of {@link openStore}. */
export interface StoreOptions {
  /** Where the sealed records live: `memoryAdapter()`, `levelAdapter(dir)` or your own. */
  readonly adapter: StorageAdapter;
  /** 32 bytes, or a provider of them; optional only on a non-persistent adapter (a random key per adapter). */
  readonly key?: Uint8Array | KeyProvider;
  /** Epoch milliseconds; default `Date.now`. Called unbound. */
  readonly clock?: () => number;
  /** One event per session call (but `can`), allowed or refused. */
  readonly onAudit?: AuditSink;
  /** The largest secret value, in bytes of UTF-8 (default 65,536). */
  readonly maxSecretBytes?: number;
  /** Members of the built-in policies SMAdminPolicy and SMAuditorPolicy. */
  readonly builtinMembers?: BuiltinMembers;
  /** Called with each new approval request and its policy's notificationMedium. */
  readonly notify?: Notifier;
  /** A source of new ids (default `crypto.randomUUID`), for hosts' snapshot tests. */
  readonly newId?: () => string;
}

/** The options after their checks. */
export interface CheckedOptions {
  readonly adapter: StorageAdapter;
  readonly clock: () => number;
  readonly onAudit: AuditSink | undefined;
  readonly maxSecretBytes: number;
  readonly newId: () => string;
  readonly builtinMembers: { readonly SMAdminPolicy: Members; readonly SMAuditorPolicy: Members };
  readonly notify: Notifier | undefined;
}

const builtinMembersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { SMAdminPolicy: membersSchema, SMAuditorPolicy: membersSchema },
} as const;

function fullMembers(input: PartialMembers | undefined): Members {
  return Object.freeze({ users: input?.users ?? [], tags: input?.tags ?? [], tokens: input?.tokens ?? [], serviceIdentities: input?.serviceIdentities ?? [] });
}

/** Every problem of the options, or the checked options. */
export function checkOptions(input: unknown): CheckedOptions {
  if (!isPlainObject(input)) throw validationError([{ pointer: '', message: 'options must be an object' }]);
  const problems: ErrorDetail[] = [];
  const adapter = input.adapter as StorageAdapter | undefined;
  const isAdapter =
    typeof adapter === 'object' && adapter !== null && ['open', 'close', 'get', 'batch', 'iterate'].every((m) => typeof (adapter as unknown as Record<string, unknown>)[m] === 'function');
  if (!isAdapter) problems.push({ pointer: '/adapter', message: 'must be a storage adapter (open, close, get, batch, iterate)' });
  const key = input.key;
  if (key !== undefined && typeof key !== 'function' && !(key instanceof Uint8Array)) problems.push({ pointer: '/key', message: 'must be a Uint8Array of 32 bytes or a key provider' });
  if (key instanceof Uint8Array && key.length !== KEY_BYTES) problems.push({ pointer: '/key', message: `must be ${KEY_BYTES} bytes, not ${key.length}` });
  if (key === undefined && isAdapter && adapter.persistent !== false) problems.push({ pointer: '/key', message: 'is required on a persistent adapter' });
  for (const name of ['clock', 'onAudit', 'notify', 'newId'] as const) {
    if (input[name] !== undefined && typeof input[name] !== 'function') problems.push({ pointer: `/${name}`, message: 'must be a function' });
  }
  const max = input.maxSecretBytes;
  if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 1)) problems.push({ pointer: '/maxSecretBytes', message: 'must be a positive integer' });
  const builtin = attempt(problems, () => readInput(input.builtinMembers, '/builtinMembers'));
  if (builtin !== undefined) {
    const validator = schemaValidator('builtin-members', builtinMembersSchema);
    if (!validator(builtin)) problems.push(...detailsFromAjv(validator.errors, '/builtinMembers'));
  }
  if (problems.length > 0) throw validationError(problems);
  const members = (builtin ?? {}) as BuiltinMembers;
  return {
    builtinMembers: { SMAdminPolicy: fullMembers(members.SMAdminPolicy), SMAuditorPolicy: fullMembers(members.SMAuditorPolicy) },
    adapter: adapter!,
    clock: (input.clock as (() => number) | undefined) ?? Date.now,
    onAudit: input.onAudit as AuditSink | undefined,
    notify: input.notify as Notifier | undefined,
    maxSecretBytes: (max as number | undefined) ?? DEFAULT_MAX_SECRET_BYTES,
    newId: (input.newId as (() => string) | undefined) ?? randomUUID,
  };
}

// A memory adapter opened without a key gets a random one, kept per adapter so
// that a store closed and opened again on the same adapter can still read it.
const generatedKeys = new WeakMap<StorageAdapter, Uint8Array>();

/** The master key: given, from the provider, or (memory adapter, no key) generated once per adapter. */
export async function resolveKey(key: unknown, adapter: StorageAdapter): Promise<Uint8Array> {
  if (key === undefined) {
    let generated = generatedKeys.get(adapter);
    if (generated === undefined) {
      generated = randomKey();
      generatedKeys.set(adapter, generated);
    }
    return generated;
  }
  if (key instanceof Uint8Array) return key;
  let provided: unknown;
  try {
    provided = await (key as KeyProvider)();
  } catch (cause) {
    throw new CofferError('VALIDATION', 'The key provider failed', { details: [{ pointer: '/key', message: 'the key provider threw' }], cause });
  }
  if (!(provided instanceof Uint8Array) || provided.length !== KEY_BYTES) throw validationError([{ pointer: '/key', message: `the key provider must return ${KEY_BYTES} bytes` }]);
  return provided;
}

/**
 * An adapter's failure as a CofferError: AdapterError `locked` → STORAGE
 * (reason `locked`), `corrupt` → CORRUPT, `invalid` → INTERNAL (coffer passed
 * something wrong: a bug), anything else → STORAGE (reason `io`). The
 * adapter's error is the cause.
 */
export function adapterError(error: unknown, doing: string): CofferError {
  if (error instanceof CofferError) return error;
  const kind = error instanceof AdapterError ? error.kind : 'io';
  switch (kind) {
    case 'locked':
      return storageFailure(`The store is in use: another process or store holds it open (while ${doing})`, error, 'locked');
    case 'corrupt':
      return corrupt(`The storage is corrupt (while ${doing})`, error);
    case 'invalid':
      return internalError(error);
    default:
      return storageFailure(`The storage failed while ${doing}`, error);
  }
}
