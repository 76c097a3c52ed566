// Child Node processes for the e2e suites: spawn a script, read its stdout
// line by line, wait for a line, kill it and wait for its exit. Every child
// still running after a test is killed (SIGKILL) by the afterEach hook.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { afterEach } from 'vitest';

export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  readonly lines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first line (already read or to come) that satisfies `test`; rejects if the child exits first. */
  waitForLine(test: (line: string) => boolean): Promise<string>;
  /** Calls `listener` for every line read from now on (synchronously, as it is read). */
  onLine(listener: (line: string) => void): void;
  /** Resolves once the process has exited and its stdout is fully read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  write(text: string): void;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<Child>();

export function useChildren(): void {
  afterEach(async () => {
    for (const child of [...running]) {
      child.kill('SIGKILL');
      await child.exited;
    }
  });
}

export function spawnNode(script: string, args: readonly string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const listeners: Array<(line: string) => void> = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const reader = readline.createInterface({ input: proc.stdout, crlfDelay: Infinity });
  reader.on('line', (line) => {
    lines.push(line);
    for (const listener of listeners) listener(line);
    for (const waiter of [...waiters]) {
      if (waiter.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const stdoutClosed = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  const exitStatus = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = Promise.all([exitStatus, stdoutClosed]).then(([status]) => status);
  const child: Child = {
    process: proc,
    lines,
    stderr: () => stderr,
    waitForLine(test) {
      const seen = lines.find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ test, resolve, reject }));
    },
    onLine(listener) {
      listeners.push(listener);
    },
    exited,
    write(text) {
      proc.stdin.write(text);
    },
    kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
  running.add(child);
  void exited.then(({ code, signal }) => {
    running.delete(child);
    for (const waiter of waiters.splice(0)) {
      waiter.reject(new Error(`the child exited (code ${String(code)}, signal ${String(signal)}) before the line awaited; stderr:\n${stderr}`));
    }
  });
  return child;
}
