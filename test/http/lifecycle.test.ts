// The whole life cycle over HTTP on a LevelDB store: items, access, a policy
// with an approval block, the request, its approval, the read it allows, the
// store closed and reopened — and the answers' headers (no cache keeps a secret).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, serve } from './server.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ITEM = '/pro/secret-manager/v1/item';
const ACCESS = '/pro/secret-manager/v1/access';
const POLICIES = '/api/v1/policy-admin/policies';
const APPROVALS = '/api/v1/policy-admin/approvals';

describe('the life cycle over HTTP, on LevelDB', () => {
  it('items, access, a gated policy, a request, its approval, the read; then a reopened store still serves them', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'coffer-http-')), 'db');
    dirs.push(join(dir, '..'));
    const key = new Uint8Array(32).fill(9);
    const s = await serve({ store: await openStore({ adapter: levelAdapter(dir), key }) });
    const dana = { id: 'dana' };
    const boss = { id: 'boss' };

    expect((await s.call('POST', `${ITEM}/prod`, { body: { type: 'directory', description: 'production' } })).status).toBe(201);
    const created = await s.call('POST', `${ITEM}/prod/db`, { body: { type: 'secret', value: 's3cret' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${ITEM}/prod/db`);
    expect(created.body.value).toBeUndefined();
    const read = await s.call('GET', `${ITEM}/prod/db`);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(read.body.value).toBe('s3cret');
    expect((await s.call('PATCH', `${ITEM}/prod/db?ifVersion=7`, { body: { value: 'x' } })).body.code).toBe('CONFLICT');

    const policy = await s.call('POST', POLICIES, {
      body: { name: 'break glass', resource: '/prod/*', members: { users: [{ id: 'dana' }] }, condition: { approval: { approvers: { userIds: ['boss'] }, validFor: 30, timeToApprove: 60, notificationMedium: 'pager' } } },
    });
    expect(policy.status).toBe(201);
    const refused = await s.call('GET', `${ITEM}/prod/db`, { as: dana });
    expect(refused).toMatchObject({ status: 403, body: { code: 'APPROVAL_REQUIRED', policyIds: [policy.body.id] } });
    const request = await s.call('POST', APPROVALS, { as: dana, body: { path: '/prod/db', justification: 'incident 42' } });
    expect(request).toMatchObject({ status: 201, body: { status: 'pending', path: '/prod/db', requester: { id: 'dana', kind: 'user' } } });
    expect((await s.call('GET', `${APPROVALS}?as=approver`, { as: boss })).body.result.map((r: { id: string }) => r.id)).toEqual([request.body.id]);
    expect((await s.call('POST', `${APPROVALS}/${request.body.id}/approve`, { as: dana, body: {} })).status).toBe(403);
    const approved = await s.call('POST', `${APPROVALS}/${request.body.id}/approve`, { as: boss, body: { comment: 'go' } });
    expect(approved.body).toMatchObject({ status: 'approved', comment: 'go', decidedBy: { id: 'boss' } });
    expect((await s.call('GET', `${ITEM}/prod/db`, { as: dana })).body.value).toBe('s3cret');
    expect((await s.call('GET', `${APPROVALS}/${request.body.id}`, { as: dana })).body.status).toBe('approved');
    expect((await s.call('POST', `${APPROVALS}/${request.body.id}/revoke`, { as: boss })).body.status).toBe('revoked');
    expect((await s.call('GET', `${ITEM}/prod/db`, { as: dana })).status).toBe(403);
    const second = await s.call('POST', APPROVALS, { as: dana, body: { path: '/prod/db', justification: 'again' } });
    expect((await s.call('POST', `${APPROVALS}/${second.body.id}/withdraw`, { as: dana })).body.status).toBe('withdrawn');
    expect((await s.call('POST', `${APPROVALS}/${second.body.id}/reject`, { as: boss, body: {} })).body.code).toBe('CONFLICT');

    await s.call('PUT', `${ACCESS}/prod`, { body: { entity: { type: 'group', id: 'ops' }, access: 'read_write' } });
    expect((await s.call('POST', `${ITEM}/prod/new`, { as: { id: 'o', groups: ['ops'] }, body: { type: 'secret', value: 'n' } })).status).toBe(201);
    expect((await s.call('PATCH', `${POLICIES}/${policy.body.id}`, { body: { description: 'changed' } })).status).toBe(204);
    const list = await s.call('GET', `${POLICIES}?resource=${encodeURIComponent('/prod/db')}&pageSize=1`);
    expect(list.body.result).toHaveLength(1);
    expect(list.body.pagination.next).not.toBe('');
    const next = await s.call('GET', `${POLICIES}?resource=${encodeURIComponent('/prod/db')}&pageSize=1&pageToken=${encodeURIComponent(list.body.pagination.next)}`);
    expect(next.body.result[0].id).not.toBe(list.body.result[0].id);

    await s.store.close();
    const again = await serve({ store: await openStore({ adapter: levelAdapter(dir), key }) });
    expect((await again.call('GET', `${ITEM}/prod`)).body.children).toEqual([{ name: 'db', type: 'secret' }, { name: 'new', type: 'secret' }]);
    expect((await again.call('GET', `${POLICIES}/${policy.body.id}`)).body.description).toBe('changed');
    expect((await again.call('DELETE', `${POLICIES}/${policy.body.id}`)).status).toBe(204);
    expect((await again.call('DELETE', `${ITEM}/prod`)).body.code).toBe('NOT_EMPTY');
  });
});
