// The documented examples of both REST APIs, replayed through the handler
// over real HTTP: each request gives the documented status and body shape.
// The examples are transcribed into fixtures/ (the tests read no file outside
// the repository). Where an example disagrees with coffer's documented rules
// (built-ins coffer does not have, members' display names coffer does not
// know), the rule wins, as docs/http.md says.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN, serve } from './server.js';

const seed = JSON.parse(readFileSync(new URL('./fixtures/policy-admin-seed.json', import.meta.url), 'utf8'));
const items = JSON.parse(readFileSync(new URL('./fixtures/items-seed.json', import.meta.url), 'utf8')) as { routes: string[] };

const keysOf = (value: object): string[] => Object.keys(value).sort();
const SUMMARY_KEYS = keysOf(seed.listResponse.result[1]); // the seed's SMAdminPolicy summary
const VIEW_KEYS = keysOf(seed.createResponse);

describe('the policy-admin examples', () => {
  it('1. GET …/policies?resource=/&consumer=secretmanager → 200, { result: [summaries], pagination: { next, prev } }', async () => {
    const s = await serve();
    const { status, body } = await s.call('GET', seed.requests.list.split(' ')[1]);
    expect(status).toBe(seed.statuses.list);
    expect(keysOf(body)).toEqual(keysOf(seed.listResponse));
    expect(body.pagination).toEqual({ next: '', prev: '' });
    for (const summary of body.result) expect(keysOf(summary)).toEqual(SUMMARY_KEYS);
    const admin = body.result.find((p: { name: string }) => p.name === 'SMAdminPolicy');
    const documented = seed.listResponse.result.find((p: { name: string }) => p.name === 'SMAdminPolicy');
    expect({ ...admin, id: undefined }).toEqual({ ...documented, id: undefined });
  });

  it('2. GET …/policies?filter=&resource=/&consumer=secretmanager → 200 (an empty filter is no filter); `filter=name eq SMAdminPolicy` lists that one', async () => {
    const s = await serve();
    const all = await s.call('GET', seed.requests.filteredList.split(' ')[1]);
    expect(all.status).toBe(seed.statuses.filteredList);
    expect(all.body.result.map((p: { name: string }) => p.name)).toEqual(['SMAdminPolicy', 'SMAuditorPolicy']);
    const one = await s.call('GET', `/api/v1/policy-admin/policies?filter=${encodeURIComponent('name eq SMAdminPolicy')}&resource=/&consumer=secretmanager`);
    expect(one.body.result.map((p: { name: string }) => p.name)).toEqual([seed.filteredListResponse.result[0].name]);
    expect(keysOf(one.body.result[0])).toEqual(SUMMARY_KEYS);
  });

  it('5. POST …/policies with the documented body → 201 and the documented response (ids and display names aside)', async () => {
    const s = await serve();
    const { status, body } = await s.call('POST', seed.requests.create.split(' ')[1], { body: seed.createRequest });
    expect(status).toBe(seed.statuses.create);
    expect(keysOf(body)).toEqual(VIEW_KEYS);
    const withoutIds = (view: { id?: string; permissions: { id: string }[]; members: unknown }) => ({ ...view, id: undefined, members: undefined, permissions: view.permissions.map((p) => ({ ...p, id: undefined })) });
    expect(withoutIds(body)).toEqual(withoutIds(seed.createResponse));
    // coffer keeps member names as given; the documented response shows a directory's display name.
    expect(body.members.users).toEqual([{ id: 'hsut62cvkgeeggn00zh0' }]);
  });

  it('3. GET …/policies/<id>?resource=/&conditionJson=true&consumer=secretmanager → 200 with the condition as an object; without conditionJson, as a JSON string', async () => {
    const s = await serve();
    const created = await s.call('POST', '/api/v1/policy-admin/policies', { body: { name: seed.getResponse.name, description: seed.getResponse.description, resource: '/*', accessLevel: 'SM_Manage', members: { users: [{ id: 'utEVQDSvec4SwjJGAzSq' }] }, condition: seed.getResponse.condition } });
    const path = seed.requests.get.split(' ')[1].replace('<policy_id>', created.body.id);
    const { status, body } = await s.call('GET', path);
    expect(status).toBe(seed.statuses.get);
    expect(keysOf(body)).toEqual(keysOf(seed.getResponse));
    expect(body.condition).toEqual({ ipAddress: seed.getResponse.condition.ipAddress, timeOfAccess: null, approval: seed.getResponse.condition.approval });
    expect(body.permissions.map((p: { name: string }) => p.name)).toEqual(['Aj-string_PM_0', 'Aj-string_PM_1', 'Aj-string_PM_2']);
    expect(body.permissions[1].actions).toEqual(seed.getResponse.permissions[1].actions);
    expect(body.permissions[2].actions).toEqual(seed.getResponse.permissions[2].actions);
    const asString = await s.call('GET', path.replace('conditionJson=true&', ''));
    expect(typeof asString.body.condition).toBe('string');
    expect(JSON.parse(asString.body.condition)).toEqual(body.condition);
  });

  it('6. PATCH …/policies/<id> with the documented body (its id, a condition as a JSON string) → 204', async () => {
    const s = await serve();
    await s.call('POST', '/pro/secret-manager/v1/item/ProjectVW', { body: { type: 'directory' } });
    await s.call('POST', '/pro/secret-manager/v1/item/ProjectVW/secret_12apr', { body: { type: 'secret', value: 'v' } });
    const created = await s.call('POST', '/api/v1/policy-admin/policies', { body: { name: 'to update', resource: '/*' } });
    const patch = { ...seed.updateRequest, id: created.body.id };
    const { status, body } = await s.call('PATCH', seed.requests.update.split(' ')[1].replace('<id>', created.body.id), { body: patch });
    expect(status).toBe(seed.statuses.update);
    expect(body).toBeUndefined();
    const after = await s.call('GET', `/api/v1/policy-admin/policies/${created.body.id}?conditionJson=true`);
    expect(after.body).toMatchObject({ name: 'policy_14apr', description: 'updated on 14 april 11am', resource: '/ProjectVW/secret_12apr', accessLevel: 'SM_View' });
    expect(after.body.condition.timeOfAccess.daysSchedule.days).toEqual(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY']);
  });

  it('4. DELETE …/policies/<id>?resource=/&consumer=secretmanager → 204; the policy is gone (404)', async () => {
    const s = await serve();
    const created = await s.call('POST', '/api/v1/policy-admin/policies', { body: { name: 'gone', resource: '/' } });
    const { status } = await s.call('DELETE', seed.requests.delete.split(' ')[1].replace('<policy_id>', created.body.id));
    expect(status).toBe(seed.statuses.delete);
    expect((await s.call('GET', `/api/v1/policy-admin/policies/${created.body.id}`)).status).toBe(404);
  });

  it('the documented condition string is accepted as given in a create body', async () => {
    const s = await serve();
    const created = await s.call('POST', '/api/v1/policy-admin/policies', { body: { name: 'from string', resource: '*', condition: seed.conditionString } });
    expect(created.status).toBe(201);
    expect(created.body.condition.approval.notificationMedium).toEqual(['Email Only', 'teams-vw', 'Slack - Arpita']);
  });
});

describe('the items/access routes', () => {
  it('every documented route answers with its status: POST 201, GET 200, PATCH 200, DELETE 204; access GET/PUT/DELETE 200', async () => {
    const s = await serve();
    const seen: string[] = [];
    const check = async (route: string, path: string, body: unknown, expected: number) => {
      const [method] = route.split(' ');
      const answer = await s.call(method!, path, body === undefined ? {} : { body });
      expect(answer.status, `${route} ${JSON.stringify(answer.body)}`).toBe(expected);
      seen.push(route);
      return answer.body;
    };
    expect((await check('POST /pro/secret-manager/v1/item/{path}', '/pro/secret-manager/v1/item/app', { type: 'directory' }, 201)).path).toBe('/app');
    await check('POST /pro/secret-manager/v1/item/{path}', '/pro/secret-manager/v1/item/app/db', { type: 'secret', value: 's3cret' }, 201);
    expect((await check('GET /pro/secret-manager/v1/item/{path}', '/pro/secret-manager/v1/item/app/db', undefined, 200)).value).toBe('s3cret');
    expect((await check('PATCH /pro/secret-manager/v1/item/{path}', '/pro/secret-manager/v1/item/app/db?ifVersion=1', { value: 'new' }, 200)).version).toBe(2);
    await check('PUT /pro/secret-manager/v1/access/{path}', '/pro/secret-manager/v1/access/app/db', { entity: { type: 'user', id: 'u' }, access: 'read' }, 200);
    expect(await check('GET /pro/secret-manager/v1/access/{path}', '/pro/secret-manager/v1/access/app/db', undefined, 200)).toEqual([{ entity: { type: 'user', id: 'u' }, access: 'read' }]);
    expect(await check('DELETE /pro/secret-manager/v1/access/{path}', '/pro/secret-manager/v1/access/app/db', { entity: { type: 'user', id: 'u' } }, 200)).toEqual([]);
    await check('DELETE /pro/secret-manager/v1/item/{path}', '/pro/secret-manager/v1/item/app/db', undefined, 204);
    expect(new Set(seen)).toEqual(new Set(items.routes));
  });

  it('`/item/` alone is the root, which always exists; a non-admin has access to nothing at first', async () => {
    const s = await serve();
    expect((await s.call('GET', '/pro/secret-manager/v1/item/')).body).toMatchObject({ path: '/', type: 'directory', children: [] });
    expect((await s.call('GET', '/pro/secret-manager/v1/item')).body.path).toBe('/');
    expect((await s.call('GET', '/pro/secret-manager/v1/item/', { as: { id: 'someone' } })).status).toBe(403);
    expect((await s.call('POST', '/pro/secret-manager/v1/item/', { body: { type: 'directory' } })).body.code).toBe('ALREADY_EXISTS');
  });

  it('an item created gets its parent’s access at creation only; access is evaluated on the item itself', async () => {
    const s = await serve();
    await s.call('POST', '/pro/secret-manager/v1/item/d', { body: { type: 'directory' } });
    await s.call('PUT', '/pro/secret-manager/v1/access/d', { body: { entity: { type: 'group', id: 'team' }, access: 'read' } });
    await s.call('POST', '/pro/secret-manager/v1/item/d/s', { body: { type: 'secret', value: 'v' } });
    await s.call('DELETE', '/pro/secret-manager/v1/access/d', { body: { entity: { type: 'group', id: 'team' } } });
    const member = { id: 'm', groups: ['team'] };
    expect((await s.call('GET', '/pro/secret-manager/v1/item/d/s', { as: member })).body.value).toBe('v');
    expect((await s.call('GET', '/pro/secret-manager/v1/item/d', { as: member })).status).toBe(403);
    expect((await s.call('GET', '/pro/secret-manager/v1/access/d/s', { as: member })).status).toBe(403);
    expect((await s.call('GET', '/pro/secret-manager/v1/access/d/s', { as: ADMIN })).status).toBe(200);
  });
});
