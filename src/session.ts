// store.as(): one method per SPEC operation. Each one parses its input, asks
// the pure core for the change or the answer, writes one batch through the
// store's queue, and emits exactly one audit event, allowed or refused.

import { refusedEvent, allowedEvent, type AuditEvent } from './audit.js';
import { openValue, valueKey } from './codec.js';
import { operationOfAction } from './core/actions.js';
import { decideDetailed, NO_POLICIES, type Decision } from './core/decision.js';
import { corrupt, invalid, validationError } from './core/errors.js';
import {
  createItem,
  decideOperation,
  deleteAccess,
  deleteItem,
  getAccess,
  getItem,
  nodesToward,
  patchItem,
  putAccess,
  type Caller,
  type ItemView,
} from './core/items.js';
import { checkPath, parsePath } from './core/paths.js';
import { parsePrincipal } from './core/principal.js';
import type { AclEntry, Principal } from './core/types.js';
import { isPlainObject } from './core/validate.js';
import type { StoreEngine } from './store.js';

export interface SessionContext {
  /** The client's IP address, as the host saw it. */
  readonly ip?: string;
}

export interface Session {
  get(path: string): Promise<ItemView>;
  create(path: string, body: { type: 'directory' | 'secret'; value?: string; description?: string }): Promise<ItemView>;
  patch(path: string, body: { value?: string; description?: string | null }, options?: { ifVersion?: number }): Promise<ItemView>;
  delete(path: string): Promise<void>;
  getAccess(path: string): Promise<AclEntry[]>;
  putAccess(path: string, entry: AclEntry): Promise<AclEntry[]>;
  deleteAccess(path: string, entity: AclEntry['entity']): Promise<AclEntry[]>;
  can(action: string, resource: string): Promise<Decision>;
}

function parseContext(context: unknown): { ip: string | null } {
  if (context === undefined || context === null) return { ip: null };
  if (!isPlainObject(context)) throw invalid('/context', 'must be an object such as `{ ip }`');
  const ip = context.ip;
  if (ip !== undefined && ip !== null && typeof ip !== 'string') throw invalid('/context/ip', 'must be a string');
  return { ip: typeof ip === 'string' ? ip : null };
}

/** The audit target of a path argument: its canonical form when it parses. */
function pathTarget(path: unknown): string {
  const checked = checkPath(path);
  if ('path' in checked) return checked.path.path;
  return typeof path === 'string' ? path : '';
}

export class CofferSession implements Session, Caller {
  readonly principal: Principal;
  private readonly ip: string | null;

  constructor(
    private readonly store: StoreEngine,
    principal: unknown,
    context: unknown,
  ) {
    this.principal = parsePrincipal(principal);
    this.ip = parseContext(context).ip;
  }

  policiesFor() {
    return NO_POLICIES;
  }

  // Runs one operation and emits its audit event.
  private async audited<T>(action: string, target: string, run: () => Promise<{ result: T; decision: Decision | string }>): Promise<T> {
    const base = (): Omit<AuditEvent, 'outcome' | 'reason' | 'code'> => ({
      time: new Date(this.store.now()).toISOString(),
      principal: { id: this.principal.id, kind: this.principal.kind },
      ip: this.ip,
      action,
      target,
    });
    let outcome: { result: T; decision: Decision | string };
    try {
      outcome = await run();
    } catch (error) {
      this.store.audit(refusedEvent(base(), error));
      throw error;
    }
    this.store.audit(allowedEvent(base(), outcome.decision));
    return outcome.result;
  }

  get(path: string): Promise<ItemView> {
    return this.audited('get', pathTarget(path), async () => {
      // A concurrent patch may replace the value between reading the state and
      // the value record; then the value seals a newer version: read again.
      for (let attempt = 0; ; attempt++) {
        const state = this.store.state();
        const { node, view, decision } = getItem(state, this, path);
        if (node.type === 'directory') return { result: view, decision };
        const sealed = await this.store.read(valueKey(node.id));
        const value = sealed === undefined ? undefined : openValue(this.store.keys, node.id, node.version, sealed);
        if (value !== undefined) return { result: { ...view, value }, decision };
        if (this.store.state() === state || attempt >= 3) throw corrupt(`The value of \`${view.path}\` is missing or fails authentication`);
      }
    });
  }

  create(path: string, body: unknown): Promise<ItemView> {
    return this.audited('create', pathTarget(path), async () => {
      const { options } = this.store;
      const change = await this.store.write((state, now) =>
        createItem(state, this, { path, body, maxSecretBytes: options.maxSecretBytes, now, newId: options.newId() }),
      );
      return change;
    });
  }

  patch(path: string, body: unknown, options?: unknown): Promise<ItemView> {
    return this.audited('patch', pathTarget(path), async () =>
      this.store.write((state, now) => patchItem(state, this, { path, body, options, maxSecretBytes: this.store.options.maxSecretBytes, now })),
    );
  }

  delete(path: string): Promise<void> {
    return this.audited('delete', pathTarget(path), async () => this.store.write((state) => deleteItem(state, this, path)));
  }

  getAccess(path: string): Promise<AclEntry[]> {
    return this.audited('getAccess', pathTarget(path), async () => getAccess(this.store.state(), this, path));
  }

  putAccess(path: string, entry: unknown): Promise<AclEntry[]> {
    return this.audited('putAccess', pathTarget(path), async () => this.store.write((state) => putAccess(state, this, path, entry)));
  }

  deleteAccess(path: string, entity: unknown): Promise<AclEntry[]> {
    return this.audited('deleteAccess', pathTarget(path), async () => this.store.write((state) => deleteAccess(state, this, path, entity)));
  }

  /** SPEC §8: the decision for `action` on `resource`; no audit event. */
  async can(action: string, resource: string): Promise<Decision> {
    const state = this.store.state();
    if (typeof action !== 'string' || action === '') throw invalid('/action', 'must be a non-empty string');
    const operation = operationOfAction(action);
    if (operation !== undefined) {
      const path = parsePath(resource, '/resource');
      return decideOperation(this, operation, path, nodesToward(state.root, path)).decision;
    }
    if (typeof resource !== 'string' || resource === '') throw validationError([{ pointer: '/resource', message: 'must be a non-empty string' }]);
    // Actions §5 does not list: no ACL grants them, only a `*` resource matches.
    return decideDetailed({ principal: this.principal, acl: undefined, aclAccess: undefined, policies: this.policiesFor() }).decision;
  }
}
