// 'coffer/http': a Node request handler that speaks the secret manager's
// items/access REST API and the policy admin's policies API (and approvals in
// the same style) over a store, on the host's own authentication. Mount it on
// `node:http`, express or fastify: it is a plain `(req, res)` function.
// docs/http.md documents every route, status and body.

/**
 * `coffer/http`: {@link createHandler}, a Node request handler that serves a
 * store over the secret manager's items/access API and the policy-admin API
 * (docs/http.md), for `node:http`, express or fastify.
 * @packageDocumentation
 * @module coffer/http
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid } from '../core/errors.js';
import type { PrincipalInput } from '../core/principal.js';
import type { Store } from '../store.js';
import { readJsonBody } from './body.js';
import { errorResponse, HttpError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { match } from './routes.js';

export type { ErrorBody, HttpErrorCode } from './errors.js';

/** How the handler authenticates, where it is mounted, and its limits. */
export interface HandlerOptions {
  /** The principal a request acts as — or null, which answers 401 UNAUTHENTICATED. The host's authentication; coffer does none. */
  readonly authenticate: (request: IncomingMessage) => PrincipalInput | null | Promise<PrincipalInput | null>;
  /** The client's IP for IP conditions (behind a proxy, from a header you trust); default: the socket's remote address. */
  readonly clientIp?: (request: IncomingMessage) => string | undefined;
  /** A path prefix the routes live under (`/secrets` → `/secrets/pro/secret-manager/v1/item/…`); default none. */
  readonly basePath?: string;
  /** The largest request body, in bytes; default 1 MiB. Larger → 413. */
  readonly maxBodyBytes?: number;
  /** How long a request body may take to arrive, in ms; default 10,000. Slower → 408. */
  readonly bodyTimeoutMs?: number;
  /** Told of every unexpected error (a 500), for the host's logs; the client sees none of it. */
  readonly onError?: (error: unknown, request: IncomingMessage) => void;
}

/** A Node request handler: `http.createServer(handler)`, `app.use(handler)` (express), or a fastify route's raw request and reply. */
export type CofferHandler = (request: IncomingMessage, response: ServerResponse) => void;

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT = 10_000;

function send(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (response.headersSent || response.destroyed) return;
  // Every answer may carry a secret or what exists: no cache keeps it.
  response.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (status === 204 || body === undefined) {
    response.writeHead(status);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function checkOptions(store: Store, options: HandlerOptions): { basePath: string; maxBodyBytes: number; bodyTimeoutMs: number } {
  if (typeof store?.as !== 'function') throw invalid('/store', 'must be a store from openStore');
  if (typeof options?.authenticate !== 'function') throw invalid('/authenticate', 'must be a function that returns the principal or null');
  for (const name of ['clientIp', 'onError'] as const) if (options[name] !== undefined && typeof options[name] !== 'function') throw invalid(`/${name}`, 'must be a function');
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) throw invalid('/basePath', 'must start with `/`');
  const positive = (value: number | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) throw invalid(`/${name}`, 'must be a positive integer');
    return value;
  };
  return { basePath, maxBodyBytes: positive(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY), bodyTimeoutMs: positive(options.bodyTimeoutMs, 'bodyTimeoutMs', DEFAULT_BODY_TIMEOUT) };
}

/**
 * A request handler serving `store` over the two REST APIs (docs/http.md).
 * Throws VALIDATION for bad options. Each request: route → authenticate →
 * read the body (JSON, limited) → the session's operation → JSON answer; an
 * error answers with its status and `{ code, message, details?, policyIds? }`.
 */
export function createHandler(store: Store, options: HandlerOptions): CofferHandler {
  const { basePath, maxBodyBytes, bodyTimeoutMs } = checkOptions(store, options);
  const limits = { maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs };
  let openApi: string | undefined;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const fullPath = queryAt === -1 ? url : url.slice(0, queryAt);
    if (fullPath !== basePath && !fullPath.startsWith(`${basePath}/`)) throw new HttpError(404, 'NOT_FOUND', 'No such route');
    const pathname = fullPath.slice(basePath.length);
    const method = request.method ?? 'GET';
    if (pathname === '/openapi.json') {
      if (method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `\`${method}\` is not allowed here`, undefined, { allow: 'GET' });
      openApi ??= JSON.stringify(openApiDocument(basePath));
      send(response, 200, JSON.parse(openApi));
      return;
    }
    const found = match(pathname);
    if (found === undefined) throw new HttpError(404, 'NOT_FOUND', 'No such route');
    const route = found.routes.find((r) => r.method === method);
    if (route === undefined) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `\`${method}\` is not allowed here`, undefined, { allow: found.routes.map((r) => r.method).join(', ') });
    const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
    const consumer = query.get('consumer');
    if (consumer !== null && consumer !== 'secretmanager') throw new HttpError(400, 'VALIDATION', 'Invalid input at `/consumer`: must be `secretmanager`', [{ pointer: '/consumer', message: 'must be `secretmanager`' }]);
    const principal = await options.authenticate(request);
    if (principal === null || principal === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'The request is not authenticated');
    const body = route.hasBody ? await readJsonBody(request, limits) : undefined;
    const ip = options.clientIp !== undefined ? options.clientIp(request) : request.socket.remoteAddress;
    const session = store.as(principal, ip === undefined ? undefined : { ip });
    const result = await route.run({ session, param: found.param, verb: found.verb, query, body });
    send(response, result.status, result.body, result.headers);
  }

  return (request, response) => {
    serve(request, response).catch((error: unknown) => {
      const answer = errorResponse(error);
      if (answer.status === 500) options.onError?.(error, request);
      send(response, answer.status, answer.body, answer.headers);
    });
  };
}
