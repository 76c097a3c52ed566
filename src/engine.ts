// The running store: the state, the write queue, the adapter, the audit sink.
// A write computes its Change from the state as it is when its turn comes,
// writes the Change's records as one batch, and only then applies its deltas:
// a failed batch leaves memory as it was. If applying ever threw (a bug), the
// state is rebuilt from storage before anything else reads it, so memory and
// disk agree again. Sessions call in here; nothing here is public.

import type { StorageAdapter } from './adapter.js';
import { deliver, type AuditEvent } from './audit.js';
import type { RecordDigest, StoreKeys } from './crypto.js';
import type { ApprovalView } from './core/approvals.js';
import type { Change } from './core/change.js';
import { closed, CofferError, internalError } from './core/errors.js';
import { recordOf } from './core/ops/items.js';
import type { State } from './core/state/state.js';
import { load, type Loaded } from './open.js';
import { adapterError, type CheckedOptions } from './options.js';
import { encodeChange, recordText, type PreviousText } from './records.js';
import { WriteQueue } from './write-queue.js';

export class StoreEngine {
  #state: State;
  #revision: number;
  #digest: RecordDigest;
  readonly #adapter: StorageAdapter;
  readonly #keys: StoreKeys;
  readonly #options: CheckedOptions;
  readonly #queue = new WriteQueue();
  /** True once close() began: no new operation starts. */
  #isClosing = false;
  /** True once every operation issued before close() finished. */
  #isClosed = false;
  #closing: Promise<void> | undefined;
  /** Operations issued and not finished; close() waits for them. */
  #active = 0;
  readonly #onIdle: (() => void)[] = [];
  /** While the state is rebuilt from storage after a failed apply: operations wait for it. */
  #recovering: Promise<void> | undefined;
  /** Set when the state could not be rebuilt: every later operation fails with it. */
  #broken: CofferError | undefined;

  constructor(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions, loaded: Loaded) {
    this.#adapter = adapter;
    this.#keys = keys;
    this.#options = options;
    this.#state = loaded.state;
    this.#revision = loaded.revision;
    this.#digest = loaded.digest;
  }

  /** The store's keys (their material stays private to them). */
  get keys(): StoreKeys {
    return this.#keys;
  }

  get options(): CheckedOptions {
    return this.#options;
  }

  get persistent(): boolean {
    return this.#adapter.persistent;
  }

  get isClosing(): boolean {
    return this.#isClosing;
  }

  /** Resolves when the state may be read (at once, unless it is being rebuilt). */
  get ready(): Promise<void> | undefined {
    return this.#recovering;
  }

  now(): number {
    const clock = this.#options.clock;
    return clock();
  }

  /** The state as of the last applied write; CLOSED after close. */
  state(): State {
    if (this.#broken !== undefined) throw this.#broken;
    if (this.#isClosed) throw closed();
    return this.#state;
  }

  /** Starts an operation (synchronously, when the session method is called): CLOSED once close() began. */
  enter(): void {
    if (this.#isClosing) throw closed();
    this.#active++;
  }

  /** Ends an operation started by enter(). */
  leave(): void {
    if (--this.#active === 0) for (const resolve of this.#onIdle.splice(0)) resolve();
  }

  /**
   * Lets every operation issued before it finish (written, resolved), then
   * releases the adapter. Calls made after close() began get CLOSED; a second
   * close() waits for the first.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeWhenIdle();
    return this.#closing;
  }

  async #closeWhenIdle(): Promise<void> {
    this.#isClosing = true;
    if (this.#active > 0) await new Promise<void>((resolve) => this.#onIdle.push(resolve));
    await this.#queue.drained();
    this.#isClosed = true;
    try {
      await this.#adapter.close();
    } catch (error) {
      throw adapterError(error, 'closing');
    }
  }

  // The text a state record holds now, for the digest (undefined: no such record).
  readonly #previousText: PreviousText = (kind, id) => {
    const state = this.#state;
    if (kind === 'item') {
      const node = state.items.withId(id);
      return node === undefined ? undefined : recordText('item', recordOf(node));
    }
    const value = kind === 'policy' ? state.policies.get(id) : state.approvals.get(id);
    return value === undefined ? undefined : recordText(kind, value);
  };

  /**
   * Runs one write: `compute` sees the state when the write's turn comes and
   * returns the Change; its records go to the adapter as one batch; its
   * deltas are applied once the batch resolved. A change without records
   * writes nothing.
   */
  write<R>(compute: (state: State, now: number) => Change<R>): Promise<Change<R>> {
    return this.#queue.run(async () => {
      const change = compute(this.state(), this.now());
      if (change.records.length === 0) return change;
      const revision = this.#revision + 1;
      const digest = this.#digest.copy();
      const operations = encodeChange(this.#keys, change.records, revision, digest, this.#previousText);
      try {
        await this.#adapter.batch(operations);
      } catch (error) {
        throw adapterError(error, 'writing');
      }
      this.#revision = revision;
      this.#digest = digest;
      try {
        this.#state.apply(change.deltas);
      } catch (error) {
        // The batch is written: rebuild memory from storage so the two agree again.
        await this.#rebuild(error);
      }
      return change;
    });
  }

  // Reads every record again into a new state and swaps it in; operations wait meanwhile.
  async #rebuild(cause: unknown): Promise<void> {
    process.emitWarning('coffer: applying a written change failed; the state is read again from storage', { code: 'COFFER_STATE_REBUILT', detail: String(cause) });
    let done!: () => void;
    this.#recovering = new Promise<void>((resolve) => (done = resolve));
    try {
      const loaded = await load(this.#adapter, this.#keys, this.#options);
      this.#state = loaded.state;
      this.#revision = loaded.revision;
      this.#digest = loaded.digest;
    } catch (error) {
      this.#broken = error instanceof CofferError ? error : internalError(error);
      throw this.#broken;
    } finally {
      this.#recovering = undefined;
      done();
    }
  }

  /** Reads one adapter key; STORAGE on failure. */
  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await this.#adapter.get(key);
    } catch (error) {
      throw adapterError(error, 'reading');
    }
  }

  audit(event: AuditEvent): void {
    deliver(this.#options.onAudit, event);
  }

  /** Calls the host's notifier; its failure is returned, never thrown (the request stands). */
  async notify(request: ApprovalView, medium: string | string[]): Promise<unknown> {
    const notifier = this.#options.notify;
    if (notifier === undefined) return undefined;
    try {
      await notifier(request, medium);
      return undefined;
    } catch (error) {
      return error ?? new Error('notify failed');
    }
  }
}
