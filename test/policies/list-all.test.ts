// policies.listAll(query): every policy the query lists, page after page, in
// listing order — the same policies, in the same order, as following the
// `next` tokens by hand; each page is one audited `policies.list`.

import { expect, it } from 'vitest';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

describeEachAdapter('policies.listAll', (makeStore) => {
  it('iterates every page of a listing, with the query’s filter and resource, in listing order', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/a', { type: 'directory' });
    for (let i = 0; i < 25; i++) await admin.policies.create({ name: `p ${String(i).padStart(2, '0')}`, resource: i % 2 === 0 ? '/a/*' : '*' });
    const all: string[] = [];
    for await (const policy of admin.policies.listAll({ pageSize: 4 })) all.push(policy.name);
    expect(all).toEqual([...Array.from({ length: 25 }, (_, i) => `p ${String(i).padStart(2, '0')}`), 'SMAdminPolicy', 'SMAuditorPolicy']);
    const byHand: string[] = [];
    let page = await admin.policies.list({ pageSize: 4 });
    for (;;) {
      byHand.push(...page.result.map((p) => p.name));
      if (page.pagination.next === '') break;
      page = await admin.policies.list({ pageSize: 4, pageToken: page.pagination.next });
    }
    expect(all).toEqual(byHand);
    const listed = t.audit.filter((e) => e.action === 'policies.list').length;
    const filtered: string[] = [];
    for await (const policy of admin.policies.listAll({ filter: 'name sw p 1', resource: '/a/*', pageSize: 2 })) filtered.push(policy.name);
    expect(filtered).toEqual(['p 10', 'p 12', 'p 14', 'p 16', 'p 18']);
    expect(t.audit.filter((e) => e.action === 'policies.list').length - listed).toBe(3);
  });

  it('a refused listing throws from the iteration, as the page would', async () => {
    const t = await makeStore();
    const iterate = async () => {
      for await (const _ of t.store.as({ id: 'nobody' }).policies.listAll()) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
