// The routes of the two REST APIs coffer speaks — the secret manager's items
// and access, the policy admin's policies, and approvals in the same style —
// as one table: method, path pattern, what the session does, the status of
// success. docs/http.md documents each route; openapi.ts describes them.

import type { Session } from '../session.js';
import { HttpError } from './errors.js';

/** What a route handler gets: the session of the caller, the route's parameters, the query and the body. */
export interface RouteContext {
  readonly session: Session;
  /** The item path (`/` for the root) or the id the URL names, percent-decoded once. */
  readonly param: string;
  /** The verb of an approval action route (`approve`, `reject`, `withdraw`, `revoke`). */
  readonly verb: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

/** A route's answer: a status and, except for 204, a JSON body. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route: a method on a pattern, and what it does. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The pattern as docs/http.md and the OpenAPI document write it. */
  readonly pattern: string;
  /** Whether it takes a JSON body. */
  readonly hasBody: boolean;
  /** The operation's name in the OpenAPI document. */
  readonly operationId: string;
  readonly summary: string;
  run(context: RouteContext): Promise<RouteResult>;
}

export const ITEMS = '/pro/secret-manager/v1/item';
export const ACCESS = '/pro/secret-manager/v1/access';
export const POLICIES = '/api/v1/policy-admin/policies';
export const APPROVALS = '/api/v1/policy-admin/approvals';

/** A query parameter given as text, read as a number when it is one (the session then checks it). */
function numberOf(text: string | null): number | string | undefined {
  if (text === null) return undefined;
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : text;
}

/** `true` / `false` in a query; anything else is VALIDATION naming the parameter. */
function booleanOf(query: URLSearchParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new HttpError(400, 'VALIDATION', `Invalid input at \`/${name}\`: must be true or false`, [{ pointer: `/${name}`, message: 'must be true or false' }]);
}

/** The body's entity for DELETE /access (`{ entity }`). */
function entityOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { entity?: unknown }).entity : undefined;
}

/** The query as a session query object: only the parameters given. */
function picked(query: URLSearchParams, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = query.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

export const ROUTES: readonly Route[] = [
  // ---- items
  { method: 'GET', pattern: `${ITEMS}/{path}`, hasBody: false, operationId: 'getItem', summary: 'A directory with the children the caller may see, or a secret with its value', run: async (c) => ({ status: 200, body: await c.session.get(c.param) }) },
  {
    method: 'POST',
    pattern: `${ITEMS}/{path}`,
    hasBody: true,
    operationId: 'createItem',
    summary: 'Creates a directory or a secret',
    run: async (c) => {
      const item = await c.session.create(c.param, c.body as never);
      return { status: 201, body: item, headers: { location: `${ITEMS}${item.path === '/' ? '/' : item.path.split('/').map(encodeURIComponent).join('/')}` } };
    },
  },
  {
    method: 'PATCH',
    pattern: `${ITEMS}/{path}`,
    hasBody: true,
    operationId: 'patchItem',
    summary: "Changes a secret's value or description, or a directory's description (query `ifVersion`)",
    run: async (c) => {
      const ifVersion = numberOf(c.query.get('ifVersion'));
      return { status: 200, body: await c.session.patch(c.param, (c.body ?? {}) as never, ifVersion === undefined ? undefined : ({ ifVersion } as never)) };
    },
  },
  { method: 'DELETE', pattern: `${ITEMS}/{path}`, hasBody: false, operationId: 'deleteItem', summary: 'Deletes a secret or an empty directory', run: async (c) => (await c.session.delete(c.param), { status: 204 }) },
  // ---- access
  { method: 'GET', pattern: `${ACCESS}/{path}`, hasBody: false, operationId: 'getAccess', summary: "An item's ACL (admins only)", run: async (c) => ({ status: 200, body: await c.session.getAccess(c.param) }) },
  { method: 'PUT', pattern: `${ACCESS}/{path}`, hasBody: true, operationId: 'putAccess', summary: "Creates or replaces one entity's entry (admins only)", run: async (c) => ({ status: 200, body: await c.session.putAccess(c.param, c.body as never) }) },
  { method: 'DELETE', pattern: `${ACCESS}/{path}`, hasBody: true, operationId: 'deleteAccess', summary: "Removes one entity's entry; body `{ entity }` (admins only)", run: async (c) => ({ status: 200, body: await c.session.deleteAccess(c.param, entityOf(c.body) as never) }) },
  // ---- policies
  {
    method: 'GET',
    pattern: POLICIES,
    hasBody: false,
    operationId: 'listPolicies',
    summary: 'One page of policies (query `resource`, `filter`, `pageToken`, `pageSize`)',
    run: async (c) => {
      const query: Record<string, unknown> = picked(c.query, ['resource', 'filter', 'pageToken']);
      const size = numberOf(c.query.get('pageSize'));
      if (size !== undefined) query.pageSize = size;
      return { status: 200, body: await c.session.policies.list(query as never) };
    },
  },
  { method: 'POST', pattern: POLICIES, hasBody: true, operationId: 'createPolicy', summary: 'Creates a policy', run: async (c) => ({ status: 201, body: await c.session.policies.create(c.body as never) }) },
  {
    method: 'GET',
    pattern: `${POLICIES}/{id}`,
    hasBody: false,
    operationId: 'getPolicy',
    summary: 'A policy (query `conditionJson=true`: the condition as an object)',
    run: async (c) => {
      const conditionJson = booleanOf(c.query, 'conditionJson');
      return { status: 200, body: await c.session.policies.get(c.param, conditionJson === undefined ? undefined : { conditionJson }) };
    },
  },
  { method: 'PATCH', pattern: `${POLICIES}/{id}`, hasBody: true, operationId: 'updatePolicy', summary: 'Changes the fields present', run: async (c) => (await c.session.policies.update(c.param, c.body as never), { status: 204 }) },
  { method: 'DELETE', pattern: `${POLICIES}/{id}`, hasBody: false, operationId: 'deletePolicy', summary: 'Deletes a policy', run: async (c) => (await c.session.policies.delete(c.param), { status: 204 }) },
  // ---- approvals
  {
    method: 'GET',
    pattern: APPROVALS,
    hasBody: false,
    operationId: 'listApprovals',
    summary: 'Requests, newest first (query `status`, `as`)',
    run: async (c) => ({ status: 200, body: { result: await c.session.listApprovals(picked(c.query, ['status', 'as']) as never) } }),
  },
  { method: 'POST', pattern: APPROVALS, hasBody: true, operationId: 'requestApproval', summary: 'Asks for an approval', run: async (c) => ({ status: 201, body: await c.session.requestApproval(c.body as never) }) },
  { method: 'GET', pattern: `${APPROVALS}/{id}`, hasBody: false, operationId: 'getApproval', summary: 'A request', run: async (c) => ({ status: 200, body: await c.session.getApproval(c.param) }) },
  ...(['approve', 'reject', 'withdraw', 'revoke'] as const).map(
    (verb): Route => ({
      method: 'POST',
      pattern: `${APPROVALS}/{id}/${verb}`,
      hasBody: verb !== 'withdraw',
      operationId: `${verb}Approval`,
      summary: verb === 'withdraw' ? 'Withdraws one’s own pending request' : `${verb[0]!.toUpperCase()}${verb.slice(1)}s a request (body \`{ comment? }\`)`,
      run: async (c) => ({ status: 200, body: verb === 'withdraw' ? await c.session.withdraw(c.param) : await c.session[verb](c.param, c.body as never) }),
    }),
  ),
];

/** A request's place in the table: the routes on its pattern, and the decoded parameter. */
export interface Match {
  readonly routes: readonly Route[];
  readonly param: string;
  readonly verb: string;
}

function decoded(text: string, pointer: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, 'VALIDATION', `Invalid input at \`${pointer}\`: malformed percent-encoding`, [{ pointer, message: 'has a malformed percent-encoding' }]);
  }
}

const byPattern = new Map<string, Route[]>();
for (const route of ROUTES) {
  const list = byPattern.get(route.pattern) ?? [];
  list.push(route);
  byPattern.set(route.pattern, list);
}

/**
 * Finds the routes of a path (the URL's path without the base path and the
 * query). `{path}` is the rest of the URL after `/item/` or `/access/`,
 * percent-decoded once (`/item/` alone is the root); ids are one segment.
 */
export function match(pathname: string): Match | undefined {
  for (const prefix of [ITEMS, ACCESS]) {
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) continue;
    const rest = pathname.slice(prefix.length + 1);
    return { routes: byPattern.get(`${prefix}/{path}`)!, param: `/${decoded(rest, '/path')}`, verb: '' };
  }
  for (const prefix of [POLICIES, APPROVALS]) {
    if (pathname === prefix || pathname === `${prefix}/`) return { routes: byPattern.get(prefix)!, param: '', verb: '' };
    if (!pathname.startsWith(`${prefix}/`)) continue;
    const segments = pathname.slice(prefix.length + 1).split('/');
    if (segments.length === 1 || (segments.length === 2 && segments[1] === '')) return { routes: byPattern.get(`${prefix}/{id}`)!, param: decoded(segments[0]!, '/id'), verb: '' };
    const routes = segments.length === 2 ? byPattern.get(`${prefix}/{id}/${segments[1]}`) : undefined;
    if (routes !== undefined) return { routes, param: decoded(segments[0]!, '/id'), verb: segments[1]! };
    return undefined;
  }
  return undefined;
}
