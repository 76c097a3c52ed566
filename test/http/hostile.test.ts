// Hostile and broken HTTP input gets clean answers, and every refused request
// leaves the store unchanged: no principal (401), a method a route does not
// take (405 + Allow), an unknown route (404), a body that is not JSON (415),
// malformed JSON (400), a 10 MB body (413), a body that never ends (408, and
// other requests go on meanwhile), dot segments and encoded slashes in paths
// sent raw (400), a huge query string, a wrong consumer (400), 1,000
// concurrent requests, and a bug in the host's authenticate (500 INTERNAL,
// nothing of it shown).

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { stateOf } from '../support/state.js';
import { ADMIN, raw, serve, type Served } from './server.js';

const ITEM = '/pro/secret-manager/v1/item';

async function seeded(options: Parameters<typeof serve>[0] = {}): Promise<Served> {
  const s = await serve(options);
  await s.call('POST', `${ITEM}/a`, { body: { type: 'directory' } });
  await s.call('POST', `${ITEM}/a/s`, { body: { type: 'secret', value: 'v' } });
  return s;
}

const snapshot = (s: Served) => stateOf(s.store, [{ id: 'u' }], ['/', '/a', '/a/s']);

describe('refused HTTP requests', () => {
  it('each answers with its status and `{ code, message }`, and none changes the store', async () => {
    const s = await seeded();
    const before = await snapshot(s);
    const rows: [string, () => Promise<{ status: number; body: any; headers?: Headers }>, number, string][] = [
      ['no principal', () => s.call('GET', `${ITEM}/a`, { as: null }), 401, 'UNAUTHENTICATED'],
      ['a method the route does not take', () => s.call('PUT', `${ITEM}/a`, { body: {} }), 405, 'METHOD_NOT_ALLOWED'],
      ['an unknown route', () => s.call('GET', '/pro/secret-manager/v1/items/a'), 404, 'NOT_FOUND'],
      ['a route past the known ones', () => s.call('GET', '/api/v1/policy-admin/policies/x/y'), 404, 'NOT_FOUND'],
      ['a body that is not JSON', () => s.call('POST', `${ITEM}/b`, { body: 'type=directory', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['malformed JSON', () => s.call('POST', `${ITEM}/b`, { body: '{"type": "dir' }), 400, 'VALIDATION'],
      ['another consumer', () => s.call('GET', '/api/v1/policy-admin/policies?consumer=identity'), 400, 'VALIDATION'],
      ['conditionJson that is not a boolean', () => s.call('GET', '/api/v1/policy-admin/policies/x?conditionJson=yes'), 400, 'VALIDATION'],
      ['an invalid body', () => s.call('POST', `${ITEM}/b`, { body: { type: 'folder' } }), 400, 'VALIDATION'],
      ['a body nested 10,000 deep', () => s.call('POST', `${ITEM}/b`, { body: '{"type":"secret","value":"v","x":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}' }), 400, 'VALIDATION'],
      ['a caller without rights', () => s.call('DELETE', `${ITEM}/a/s`, { as: { id: 'u' } }), 403, 'FORBIDDEN'],
      ['malformed percent-encoding', () => s.call('GET', `${ITEM}/a%zz`), 400, 'VALIDATION'],
    ];
    for (const [name, send, status, code] of rows) {
      const answer = await send();
      expect(answer.status, name).toBe(status);
      expect(answer.body.code, name).toBe(code);
      expect(typeof answer.body.message, name).toBe('string');
    }
    expect((await s.call('PUT', `${ITEM}/a`, { body: {} })).headers.get('allow')).toBe('GET, POST, PATCH, DELETE');
    expect(await snapshot(s)).toEqual(before);
  });

  it('a refusal shows no decision: a Deny’s id is not in the body', async () => {
    const s = await seeded();
    const deny = await s.call('POST', '/api/v1/policy-admin/policies', { body: { name: 'no', resource: '/a/*', accessType: 'Deny', members: { users: [{ id: 'u' }] } } });
    const refused = await s.call('GET', `${ITEM}/a/s`, { as: { id: 'u' } });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(deny.body.id);
    expect(Object.keys(refused.body).sort()).toEqual(['code', 'message']);
  });

  it('`..`, `%2e%2e` and `%2f` sent raw (no client normalisation) are VALIDATION at /path, never another item', async () => {
    const s = await seeded();
    for (const path of [`${ITEM}/a/..`, `${ITEM}/a/../a/s`, `${ITEM}/a/%2e%2e`, `${ITEM}/%2E%2E/a`, `${ITEM}/a%2f%2fs`, `${ITEM}/a/.`]) {
      const answer = await raw(s.port, 'GET', path, { headers: { 'x-principal': JSON.stringify(ADMIN) } });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.text), path).toMatchObject({ code: 'VALIDATION', details: [{ pointer: '/path' }] });
    }
    // `%2f` is a slash once decoded: `/a%2fs` is the item `/a/s`.
    expect(JSON.parse((await raw(s.port, 'GET', `${ITEM}/a%2fs`, { headers: { 'x-principal': JSON.stringify(ADMIN) } })).text).value).toBe('v');
  });

  it('a 10 MB body is 413 (declared or streamed), a huge query string a clean refusal, and the store is unchanged', async () => {
    const s = await seeded();
    const before = await snapshot(s);
    const big = JSON.stringify({ type: 'secret', value: 'x'.repeat(10 * 1024 * 1024) });
    const declared = await raw(s.port, 'POST', `${ITEM}/big`, { headers: { 'x-principal': JSON.stringify(ADMIN), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }, body: big });
    expect(declared.status).toBe(413);
    const chunked = await raw(s.port, 'POST', `${ITEM}/big`, { headers: { 'x-principal': JSON.stringify(ADMIN), 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: big });
    expect(chunked.status).toBe(413);
    const longQuery = await raw(s.port, 'GET', `/api/v1/policy-admin/policies?filter=${'a'.repeat(200_000)}`, { headers: { 'x-principal': JSON.stringify(ADMIN) } });
    expect([400, 414, 431]).toContain(longQuery.status);
    const capped = await s.call('GET', `/api/v1/policy-admin/policies?filter=${'a'.repeat(5000)}`);
    expect(capped).toMatchObject({ status: 400, body: { code: 'VALIDATION', details: [{ pointer: '/filter' }] } });
    expect(await snapshot(s)).toEqual(before);
  });

  it('a body that never ends is cut off after bodyTimeoutMs (408), and other requests are answered meanwhile', async () => {
    const s = await seeded({ handler: { bodyTimeoutMs: 300 } });
    const before = await snapshot(s);
    const answer = new Promise<string>((resolve) => {
      const socket = connect(s.port, '127.0.0.1', () => {
        socket.write(`POST ${ITEM}/slow HTTP/1.1\r\nHost: x\r\nx-principal: ${JSON.stringify(ADMIN)}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"type":`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
    });
    // While the slow body hangs, another client is served.
    expect((await s.call('GET', `${ITEM}/a/s`)).body.value).toBe('v');
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
    expect(await snapshot(s)).toEqual(before);
  });

  it('a client that goes away mid-body changes nothing and troubles no other request', async () => {
    const s = await seeded();
    const before = await snapshot(s);
    await new Promise<void>((resolve) => {
      const socket = connect(s.port, '127.0.0.1', () => {
        socket.write(`POST ${ITEM}/gone HTTP/1.1\r\nHost: x\r\nx-principal: ${JSON.stringify(ADMIN)}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"type":"sec`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    expect((await s.call('GET', `${ITEM}/a/s`)).body.value).toBe('v');
    expect(await snapshot(s)).toEqual(before);
  });

  it('1,000 concurrent requests — reads, creates, refusals — all get their answer', async () => {
    const s = await seeded();
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        if (i % 4 === 0) return s.call('POST', `${ITEM}/a/n${i}`, { body: { type: 'secret', value: `v${i}` } });
        if (i % 4 === 1) return s.call('GET', `${ITEM}/a/s`, { as: { id: 'u' } });
        return s.call('GET', `${ITEM}/a/s`);
      }),
    );
    answers.forEach((answer, i) => expect(answer.status, String(i)).toBe(i % 4 === 0 ? 201 : i % 4 === 1 ? 403 : 200));
    expect((await s.call('GET', `${ITEM}/a`)).body.children).toHaveLength(251);
  });

  it('a throwing authenticate is 500 INTERNAL with nothing of the error shown; the host’s onError hears of it', async () => {
    const heard: unknown[] = [];
    const s = await serve({
      handler: {
        authenticate: () => {
          throw new Error('database password is hunter2');
        },
        onError: (error) => heard.push(error),
      },
    });
    const answer = await s.call('GET', `${ITEM}/`);
    expect(answer).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
    expect(heard).toHaveLength(1);
  });

  it('the client IP for conditions is the socket’s address, or what the host’s clientIp says', async () => {
    const office = { name: 'office', resource: '/a/*', members: { users: [{ id: 'u' }] }, condition: { ipAddress: '10.0.0.0/8' } };
    const direct = await seeded();
    await direct.call('POST', '/api/v1/policy-admin/policies', { body: office });
    expect((await direct.call('GET', `${ITEM}/a/s`, { as: { id: 'u' } })).status).toBe(403); // 127.0.0.1
    const proxied = await seeded({ handler: { clientIp: (request) => String(request.headers['x-forwarded-for']) } });
    await proxied.call('POST', '/api/v1/policy-admin/policies', { body: office });
    expect((await proxied.call('GET', `${ITEM}/a/s`, { as: { id: 'u' }, headers: { 'x-forwarded-for': '10.1.2.3' } })).body.value).toBe('v');
  });
});
