// SPEC §9, §11: the host's notifier (openStore({ notify })) is called with a
// new request and the policy's notificationMedium as stored; a failing
// notifier (throwing or rejecting) does not undo the request and is audited
// as an event of its own (action 'notify', outcome 'refused').

import { expect, it, vi } from 'vitest';
import type { ApprovalView, Notifier } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { APPROVER, refused, REQUESTER, world } from './helpers.js';

describeEachAdapter('§9 notify', (makeStore) => {
  it('the notifier is called with the request and the medium (a string stays a string)', async () => {
    const notify = vi.fn<Notifier>();
    const w = await world(makeStore, { notify, approval: { notificationMedium: 'ops-channel' } });
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(notify).toHaveBeenCalledTimes(1);
    const [sent, medium] = notify.mock.calls[0]!;
    expect(sent).toEqual(request);
    expect(medium).toBe('ops-channel');
  });

  it('the notifier is called with the medium as stored (an array stays an array)', async () => {
    const notify = vi.fn<Notifier>();
    const w = await world(makeStore, { notify, approval: { notificationMedium: ['mail-ops', 'pager-7'] } });
    await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify.mock.calls[0]![1]).toEqual(['mail-ops', 'pager-7']);
  });

  it('a one-element array stays an array', async () => {
    const notify = vi.fn<Notifier>();
    const w = await world(makeStore, { notify, approval: { notificationMedium: ['only'] } });
    await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(notify.mock.calls[0]![1]).toEqual(['only']);
  });

  it('the notifier is called once per new request, never for a refused one or a repeated pending one', async () => {
    const notify = vi.fn<Notifier>();
    const w = await world(makeStore, { notify });
    const u = w.as(REQUESTER);
    await refused(w.as({ id: 'nobody' }).requestApproval({ path: '/prod/db', justification: 'j' }), 'FORBIDDEN');
    expect(notify).not.toHaveBeenCalled();
    const first = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await u.requestApproval({ path: '/prod/db', justification: 'j again' });
    const second = await u.requestApproval({ path: '/prod/api', justification: 'j' });
    expect(notify.mock.calls.map(([r]) => r.id)).toEqual([first.id, second.id]);
    await w.as(APPROVER).approve(first.id);
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('a notifier that mutates the request it got does not change the stored request', async () => {
    const notify: Notifier = (request) => {
      (request as { status: string }).status = 'approved';
      (request as { requester: { id: string } }).requester.id = 'boss';
    };
    const w = await world(makeStore, { notify });
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    const stored = await w.admin.getApproval(request.id);
    expect(stored).toMatchObject({ status: 'pending', requester: { id: 'u', kind: 'user' } });
  });

  it.each([
    [
      'a throwing (sync) notifier',
      (): Notifier => () => {
        throw new Error('mail server down');
      },
    ],
    ['a rejecting (async) notifier', (): Notifier => async () => Promise.reject(new Error('pager timeout'))],
  ])('%s does not undo the request, and is audited as an event of its own (notify, refused)', async (_, makeNotifier) => {
    const w = await world(makeStore, { notify: makeNotifier() });
    const u = w.as(REQUESTER);
    const before = w.t.audit.length;
    const request: ApprovalView = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(request.status).toBe('pending');

    const events = w.t.audit.slice(before);
    expect(events.map((e) => [e.action, e.outcome])).toEqual(
      expect.arrayContaining([
        ['requestApproval', 'allowed'],
        ['notify', 'refused'],
      ]),
    );
    expect(events).toHaveLength(2);
    const notifyEvent = events.find((e) => e.action === 'notify')!;
    expect(notifyEvent).toMatchObject({ action: 'notify', outcome: 'refused' });
    expect(JSON.stringify(notifyEvent)).not.toContain('value of /prod/db');

    expect(await u.getApproval(request.id)).toEqual(request);
    expect((await u.listApprovals()).map((r) => r.id)).toEqual([request.id]);
    expect((await w.as(APPROVER).listApprovals({ as: 'approver', status: 'pending' })).map((r) => r.id)).toEqual([request.id]);
    // it is a real request: it can be approved, and it survives a reopen
    await w.reopen();
    expect((await w.as(REQUESTER).getApproval(request.id)).status).toBe('pending');
    await w.as(APPROVER).approve(request.id);
    expect((await w.as(REQUESTER).get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('a succeeding notifier adds no audit event of its own', async () => {
    const w = await world(makeStore, { notify: async () => undefined });
    const before = w.t.audit.length;
    await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(w.t.audit.slice(before).map((e) => e.action)).toEqual(['requestApproval']);
  });
});
