// The policy-admin seed (seeds/002_c797226ecdbf30c1.txt): its create body and
// its PATCH body, verbatim, are accepted (SPEC §6.4), and a policy reads back
// with the seed's field names and nesting, its three permissions named from
// the policy's own name (§6.3), its condition normalised (§7).

import { beforeEach, expect, it } from 'vitest';
import type { PolicyBody, PolicyView, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { UUID_V4, tree } from './helpers.js';
import { SEED_CONDITION_STRING, SEED_CREATE_RESPONSE_CONDITION } from '../support/seed.js';

// "5. Create a Policy", request body, verbatim.
const SEED_CREATE_BODY = JSON.parse(`{
    "name": "VW_13dec_1",
    "description": "testing 4:15",
    "isActive": true,
    "isDraft": false,
    "isReadOnly": false,
    "condition": {
        "approval": {
            "notificationMedium": "12051835-cdf3-494b-a07e-923cb945b97b",
            "timeToApprove": 300,
            "validFor": 300,
            "isValidForInDays": true,
            "approvers": {
                "userIds": [
                    "CCy1O21HXuzSNzCp8vWI"
                ]
            }
        }
    },
    "members": {
        "users": [
            {
                "id": "hsut62cvkgeeggn00zh0"
            }
        ],
        "tags": [],
        "tokens": [],
        "serviceIdentities": []
    },
    "accessLevel": "SM_View",
    "resource": "/*",
    "consumer": "secretmanager",
    "accessType": "Allow"
}`) as PolicyBody;

// "5. Create a Policy", response: the condition (test/support/seed.ts) and permissions (ids aside).
const SEED_CREATE_RESPONSE_PERMISSIONS = [
  {
    name: 'VW_13dec_1_PV_0',
    description: 'List permission for parent nodes in vault',
    consumer: 'secretmanager',
    actions: ['sm.node.list'],
    resources: ['/'],
    isInline: true,
    isReadOnly: false,
  },
  {
    name: 'VW_13dec_1_PV_1',
    description: 'View permission for nodes and secrets in vault',
    consumer: 'secretmanager',
    actions: ['sm.node.list', 'sm.secret.read'],
    resources: ['/*'],
    isInline: true,
    isReadOnly: false,
  },
  {
    name: 'VW_13dec_1_PV_2',
    description: 'View permission for static secret templates and vault',
    consumer: 'secretmanager',
    actions: ['sm.secrettemplate.list', 'sm.secrettemplate.read', 'sm.vault.list', 'sm.vault.read'],
    resources: ['*'],
    isInline: true,
    isReadOnly: false,
  },
];

// "6. Update Policy", request body, verbatim (its `id` is replaced by the created policy's).
const SEED_PATCH_BODY = JSON.parse(`{
    "id": "4091333b-d769-4199-8a5b-75fe4b58141c",
    "name": "policy_14apr",
    "description": "updated on 14 april 11am",
    "members": {
        "users": [
            {
                "id": "nkmhwgshyusxg0x6ljpq"
            }
        ],
        "tags": [],
        "tokens": [],
        "serviceIdentities": []
    },
    "isActive": true,
    "condition": "{\\"ipAddress\\":\\"0.0.0.0/8,10.10.25.13\\",\\"timeOfAccess\\":{\\"dateSchedule\\":{\\"fromDate\\":\\"2023-04-16 02:00:00\\",\\"toDate\\":\\"2023-04-20 02:30:00\\",\\"timezone\\":\\"Pacific/Honolulu\\"},\\"daysSchedule\\":{\\"fromTime\\":\\"12:30:00\\",\\"toTime\\":\\"13:30:00\\",\\"timezone\\":\\"Pacific/Honolulu\\",\\"days\\":[\\"MONDAY\\",\\"TUESDAY\\",\\"WEDNESDAY\\",\\"THURSDAY\\"]}},\\"approval\\":{\\"notificationMedium\\":\\"44d45a37-f28b-4e51-8eef-4d5ff9e15aa9\\",\\"timeToApprove\\":60,\\"validFor\\":4,\\"isValidForInDays\\":true,\\"approvers\\":{\\"userIds\\":[\\"k9hv0lowfsg803spfijy\\"]}}}",
    "isDraft": false,
    "accessLevel": "SM_View",
    "consumer": "secretmanager",
    "resource": "/ProjectVW/secret_12apr"
}`) as Record<string, unknown>;

const SEED_PATCH_CONDITION = {
  ipAddress: '0.0.0.0/8,10.10.25.13',
  timeOfAccess: {
    dateSchedule: { fromDate: '2023-04-16 02:00:00', toDate: '2023-04-20 02:30:00', timezone: 'Pacific/Honolulu' },
    daysSchedule: { fromTime: '12:30:00', toTime: '13:30:00', timezone: 'Pacific/Honolulu', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY'] },
  },
  approval: {
    approvers: { userIds: ['k9hv0lowfsg803spfijy'] },
    validFor: 4,
    isValidForInDays: true,
    timeToApprove: 60,
    notificationMedium: '44d45a37-f28b-4e51-8eef-4d5ff9e15aa9',
  },
};

// The seed's "condition field … can be a string": the first example, verbatim.

// "3. Get Policy Details": the field names, in the seed's nesting.
const POLICY_FIELDS = ['id', 'name', 'description', 'isActive', 'isDraft', 'isReadOnly', 'condition', 'permissions', 'members', 'accessLevel', 'resource', 'consumer', 'accessType'];
const PERMISSION_FIELDS = ['id', 'name', 'description', 'consumer', 'actions', 'resources', 'isInline', 'isReadOnly'];
const SUMMARY_FIELDS = ['id', 'name', 'description', 'isActive', 'isDraft', 'isReadOnly', 'resources', 'accessType'];

const sorted = (keys: string[]) => [...keys].sort();
const withoutIds = (policy: PolicyView) => policy.permissions.map(({ id: _id, ...rest }) => rest);

describeEachAdapter('the policy-admin seed', (makeStore) => {
  let admin: Session;
  beforeEach(async () => {
    admin = (await makeStore()).store.as(ADMIN);
  });

  it("the seed's create body is accepted verbatim and returns the seed's response (ids aside)", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    expect(created.id).toMatch(UUID_V4);
    expect(created).toMatchObject({
      name: 'VW_13dec_1',
      description: 'testing 4:15',
      isActive: true,
      isDraft: false,
      isReadOnly: false,
      accessLevel: 'SM_View',
      resource: '/*',
      consumer: 'secretmanager',
      accessType: 'Allow',
    });
    expect(JSON.stringify(created.condition)).toBe(JSON.stringify(SEED_CREATE_RESPONSE_CONDITION));
    expect(withoutIds(created)).toEqual(SEED_CREATE_RESPONSE_PERMISSIONS);
    expect(created.members).toEqual({ users: [{ id: 'hsut62cvkgeeggn00zh0' }], tags: [], tokens: [], serviceIdentities: [] });
  });

  it("a GET returns the seed's field names and nesting, with three permissions named from the policy's own name", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    for (const options of [undefined, { conditionJson: true }]) {
      const got = await admin.policies.get(created.id, options);
      expect(sorted(Object.keys(got))).toEqual(sorted(POLICY_FIELDS));
      expect(got.permissions).toHaveLength(3);
      for (const permission of got.permissions) expect(sorted(Object.keys(permission))).toEqual(sorted(PERMISSION_FIELDS));
      expect(got.permissions.map((p) => p.name)).toEqual(['VW_13dec_1_PV_0', 'VW_13dec_1_PV_1', 'VW_13dec_1_PV_2']);
      expect(sorted(Object.keys(got.members))).toEqual(sorted(['users', 'tags', 'tokens', 'serviceIdentities']));
    }
    const asObject = await admin.policies.get(created.id, { conditionJson: true });
    expect(JSON.stringify(asObject.condition)).toBe(JSON.stringify(SEED_CREATE_RESPONSE_CONDITION));
    expect((await admin.policies.get(created.id)).condition).toBe(JSON.stringify(SEED_CREATE_RESPONSE_CONDITION));
  });

  it("the seed's PATCH body (with the created policy's id) is accepted and applied", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    const permissionIds = created.permissions.map((p) => p.id);
    await tree(admin, ['/ProjectVW/', '/ProjectVW/secret_12apr']);
    await admin.policies.update(created.id, { ...structuredClone(SEED_PATCH_BODY), id: created.id });
    const got = await admin.policies.get(created.id, { conditionJson: true });
    expect(got).toMatchObject({
      id: created.id,
      name: 'policy_14apr',
      description: 'updated on 14 april 11am',
      isActive: true,
      isDraft: false,
      isReadOnly: false,
      accessLevel: 'SM_View',
      resource: '/ProjectVW/secret_12apr',
      consumer: 'secretmanager',
      accessType: 'Allow',
    });
    expect(got.members).toEqual({ users: [{ id: 'nkmhwgshyusxg0x6ljpq' }], tags: [], tokens: [], serviceIdentities: [] });
    expect(JSON.stringify(got.condition)).toBe(JSON.stringify(SEED_PATCH_CONDITION));
    expect((await admin.policies.get(created.id)).condition).toBe(JSON.stringify(SEED_PATCH_CONDITION));
    expect(got.permissions.map((p) => p.id)).toEqual(permissionIds);
    expect(got.permissions.map((p) => [p.name, p.resources])).toEqual([
      ['policy_14apr_PV_0', ['/', '/ProjectVW']],
      ['policy_14apr_PV_1', ['/ProjectVW/secret_12apr']],
      ['policy_14apr_PV_2', ['*']],
    ]);
  });

  it("the seed's PATCH body with the seed's own id (not this policy's) → VALIDATION at /id", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    await tree(admin, ['/ProjectVW/', '/ProjectVW/secret_12apr']);
    await expect(admin.policies.update(created.id, structuredClone(SEED_PATCH_BODY))).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [expect.objectContaining({ pointer: '/id' })],
    });
  });

  it("the seed's PATCH body before its resource item exists → NOT_FOUND", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    await expect(admin.policies.update(created.id, { ...structuredClone(SEED_PATCH_BODY), id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("the seed's condition string is accepted, normalised, and its ipAddress kept exactly as given", async () => {
    const created = await admin.policies.create({ name: 'From String', resource: '/', condition: SEED_CONDITION_STRING });
    expect(created.condition).toEqual(JSON.parse(SEED_CONDITION_STRING));
    expect((await admin.policies.get(created.id)).condition).toBe(SEED_CONDITION_STRING);
  });

  it("a list returns the seed's shape: { result: [summaries], pagination: { next, prev } }", async () => {
    await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    const listed = await admin.policies.list({ resource: '/' });
    expect(sorted(Object.keys(listed))).toEqual(['pagination', 'result']);
    expect(listed.pagination).toEqual({ next: '', prev: '' });
    for (const summary of listed.result) expect(sorted(Object.keys(summary))).toEqual(sorted(SUMMARY_FIELDS));
    const smAdmin = listed.result.find((s) => s.name === 'SMAdminPolicy');
    expect(smAdmin).toMatchObject({ isActive: true, isDraft: false, isReadOnly: true, resources: ['*', '/'], accessType: 'Allow' });
    const vw = listed.result.find((s) => s.name === 'VW_13dec_1');
    expect(vw).toMatchObject({ description: 'testing 4:15', isReadOnly: false, resources: ['*', '/', '/*'], accessType: 'Allow' });
  });

  it("the seed's GET response cannot be posted back: it carries permissions", async () => {
    const created = await admin.policies.create(structuredClone(SEED_CREATE_BODY));
    const got = await admin.policies.get(created.id, { conditionJson: true });
    const { id: _id, ...rest } = got;
    await expect(admin.policies.create({ ...rest, name: 'Copy' } as never)).rejects.toMatchObject({ code: 'VALIDATION', details: expect.arrayContaining([expect.objectContaining({ pointer: '/permissions' })]) });
  });
});
