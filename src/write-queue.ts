// One write at a time: each task starts
// after the previous one settled, so it computes its change from the last
// published state and no two writes interleave.

export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; its result or error is the caller's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue goes on whatever one task did.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves when every task queued so far has settled. */
  drained(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
