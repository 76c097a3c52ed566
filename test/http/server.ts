// Test support: a coffer store served over real HTTP on 127.0.0.1 (a free
// port), the principal given by the test in an `x-principal` header (JSON) —
// the host's authentication, as far as coffer knows — and a small fetch client.

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { openStore, type Store, type StoreOptions } from '../../src/index.js';
import { createHandler, type HandlerOptions } from '../../src/http/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';

export interface Served {
  readonly store: Store;
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** fetch with the principal's header; a body object is sent as JSON. */
  call(method: string, path: string, options?: { as?: object | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
}

const servers: Server[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
});

export const ADMIN = { id: 'admin', admin: true } as const;

/** The principal of the `x-principal` header; none → null (401). */
export function principalFromHeader(request: IncomingMessage) {
  const header = request.headers['x-principal'];
  return typeof header === 'string' ? JSON.parse(header) : null;
}

export async function serve(options: { store?: Store; storeOptions?: Partial<StoreOptions>; handler?: Partial<HandlerOptions> } = {}): Promise<Served> {
  const store = options.store ?? (await openStore({ adapter: memoryAdapter(), ...options.storeOptions }));
  stores.push(store);
  const handler = createHandler(store, { authenticate: principalFromHeader, ...options.handler });
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    store,
    url,
    port,
    server,
    async call(method, path, { as = ADMIN, body, headers = {} } = {}) {
      const response = await fetch(url + path, {
        method,
        headers: { ...(as === null ? {} : { 'x-principal': JSON.stringify(as) }), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
  };
}

/** A raw request (no URL normalisation, unlike fetch): status and body text. */
export function raw(port: number, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
