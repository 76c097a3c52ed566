// openStore: checks the options, resolves the key, opens the adapter, reads
// (or creates) the store, and hands out sessions. The Store object a host
// holds shows nothing but whether it is persistent and closed: the engine,
// its keys and its state are private (docs/storage.md, "What a log sees").

import { StoreEngine } from './engine.js';
import { StoreKeys } from './crypto.js';
import type { PrincipalInput } from './core/principal.js';
import { closed } from './core/errors.js';
import { loadOrCreate } from './open.js';
import { adapterError, checkOptions, resolveKey, type StoreOptions } from './options.js';
import { CofferSession, type Session, type SessionContext } from './session.js';

/** An open store: sessions to act as a principal, and close. */
export interface Store {
  /** A session acting as `principal` (already authenticated by the host); throws VALIDATION for a malformed principal, CLOSED after close. */
  as(principal: PrincipalInput, context?: SessionContext): Session;
  /** Lets every operation issued before it finish, then releases the adapter; later calls → CLOSED. */
  close(): Promise<void>;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// Set in CofferStore's static block: the one way to reach a store's engine.
let engineOfStore: (store: CofferStore) => StoreEngine;

class CofferStore implements Store {
  readonly #engine: StoreEngine;

  static {
    engineOfStore = (store) => store.#engine;
  }

  constructor(engine: StoreEngine) {
    this.#engine = engine;
  }

  as(principal: PrincipalInput, context?: SessionContext): Session {
    if (this.#engine.isClosing) throw closed();
    return new CofferSession(this.#engine, principal, context);
  }

  close(): Promise<void> {
    return this.#engine.close();
  }

  /** What a log may show of a store. */
  toJSON(): { persistent: boolean; isClosed: boolean } {
    return { persistent: this.#engine.persistent, isClosed: this.#engine.isClosing };
  }

  [INSPECT](): string {
    return `Store { persistent: ${this.#engine.persistent}, closed: ${this.#engine.isClosing} }`;
  }
}

/** @internal The engine behind a store opened here (for coffer's fixtures); not exported from the package. */
export function engineOf(store: Store): StoreEngine | undefined {
  return store instanceof CofferStore ? engineOfStore(store) : undefined;
}

/**
 * Opens a store on `options.adapter`: reads every record (or creates a new
 * store on empty storage) and checks the key and the records' digest.
 * Rejects with VALIDATION (options), WRONG_KEY, CORRUPT or STORAGE.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const checked = checkOptions(options);
  const keys = new StoreKeys(await resolveKey((options as { key?: unknown }).key, checked.adapter));
  const { adapter } = checked;
  try {
    await adapter.open();
  } catch (error) {
    throw adapterError(error, 'opening');
  }
  try {
    return new CofferStore(new StoreEngine(adapter, keys, checked, await loadOrCreate(adapter, keys, checked)));
  } catch (error) {
    // Release what was opened (LevelDB's lock) so the right key can open it next.
    await adapter.close().catch(() => undefined);
    throw adapterError(error, 'loading');
  }
}
