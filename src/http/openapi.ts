// The OpenAPI 3.1 description of the routes the handler serves, built from
// the route table and from the same JSON schemas that validate the bodies at
// run time (so the document and the checks cannot drift). Served at
// GET /openapi.json; docs/openapi.json is the same document.

import { requestSchema as approvalRequestSchema, decisionOptionsSchema } from '../core/approvals.js';
import { CONDITION_SCHEMA } from '../core/conditions/condition.js';
import { createSchema as itemCreateSchema, patchSchema as itemPatchSchema } from '../core/item.js';
import { entitySchema, entrySchema } from '../core/ops/acl.js';
import { createSchema as policyCreateSchema, updateSchema as policyUpdateSchema } from '../core/policy.js';
import { ROUTES, type Route } from './routes.js';

type Schema = Record<string, unknown>;

const string = { type: 'string' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A request schema with its free-form fields described: a condition as an object or its JSON string. */
function withCondition(schema: Schema): Schema {
  const properties = { ...(schema.properties as Record<string, unknown>) };
  properties.condition = { oneOf: [ref('Condition'), { type: 'string' }, { type: 'null' }] };
  delete properties.permissions; // refused with a clear message, never part of a valid body
  return { ...schema, properties };
}

const member = { type: 'object', required: ['id'], properties: { id: string, name: string } } as const;

/** The response shapes (what the session methods return). */
const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Item: {
    type: 'object',
    required: ['path', 'type', 'id', 'createdAt', 'updatedAt', 'createdBy'],
    properties: {
      path: string,
      type: { enum: ['directory', 'secret'] },
      id: string,
      createdAt: time,
      updatedAt: time,
      createdBy: string,
      description: string,
      version: { type: 'integer', description: 'A secret’s version' },
      value: { type: 'string', description: 'A secret’s value (GET only)' },
      children: { type: 'array', items: { type: 'object', required: ['name', 'type'], properties: { name: string, type: { enum: ['directory', 'secret'] } } } },
    },
  },
  AclEntries: { type: 'array', items: ref('AclEntry') },
  Permission: {
    type: 'object',
    properties: { id: string, name: string, description: string, consumer: string, actions: { type: 'array', items: string }, resources: { type: 'array', items: string }, isInline: { type: 'boolean' }, isReadOnly: { type: 'boolean' } },
  },
  Policy: {
    type: 'object',
    properties: {
      id: string,
      name: string,
      description: string,
      isActive: { type: 'boolean' },
      isDraft: { type: 'boolean' },
      isReadOnly: { type: 'boolean' },
      condition: { oneOf: [ref('Condition'), { type: 'string' }, { type: 'null' }] },
      permissions: { type: 'array', items: ref('Permission') },
      members: { type: 'object', properties: Object.fromEntries(['users', 'tags', 'tokens', 'serviceIdentities'].map((list) => [list, { type: 'array', items: member }])) },
      accessLevel: { enum: ['SM_View', 'SM_CRUD', 'SM_Manage'] },
      resource: string,
      consumer: string,
      accessType: { enum: ['Allow', 'Deny'] },
    },
  },
  PolicyList: {
    type: 'object',
    required: ['result', 'pagination'],
    properties: {
      result: {
        type: 'array',
        items: { type: 'object', properties: { id: string, name: string, description: string, isActive: { type: 'boolean' }, isDraft: { type: 'boolean' }, isReadOnly: { type: 'boolean' }, resources: { type: 'array', items: string }, accessType: { enum: ['Allow', 'Deny'] } } },
      },
      pagination: { type: 'object', required: ['next', 'prev'], properties: { next: string, prev: string } },
    },
  },
  Approval: {
    type: 'object',
    properties: {
      id: string,
      policyId: string,
      path: string,
      itemId: string,
      action: string,
      requester: { type: 'object', properties: { id: string, kind: string } },
      justification: string,
      status: { enum: ['pending', 'approved', 'rejected', 'expired', 'withdrawn', 'revoked'] },
      createdAt: time,
      expiresAt: time,
      decidedBy: { type: 'object', properties: { id: string, kind: string } },
      decidedAt: time,
      approvedAt: time,
      comment: string,
    },
  },
  ApprovalList: { type: 'object', required: ['result'], properties: { result: { type: 'array', items: ref('Approval') } } },
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: string,
      message: string,
      details: { type: 'array', items: { type: 'object', required: ['pointer', 'message'], properties: { pointer: string, message: string } } },
      policyIds: { type: 'array', items: string },
    },
  },
};

/** The request body schema of each route that takes one, by operationId. */
const REQUEST_BODIES: Record<string, string> = {
  createItem: 'ItemCreate',
  patchItem: 'ItemPatch',
  putAccess: 'AclEntry',
  deleteAccess: 'AclEntityBody',
  createPolicy: 'PolicyCreate',
  updatePolicy: 'PolicyUpdate',
  requestApproval: 'ApprovalRequest',
  approveApproval: 'DecisionOptions',
  rejectApproval: 'DecisionOptions',
  revokeApproval: 'DecisionOptions',
};

/** The success response of each route, by operationId: [status, schema name or none]. */
function successOf(route: Route): [string, string | undefined] {
  switch (route.operationId) {
    case 'getItem':
    case 'patchItem':
      return ['200', 'Item'];
    case 'createItem':
      return ['201', 'Item'];
    case 'getAccess':
    case 'putAccess':
    case 'deleteAccess':
      return ['200', 'AclEntries'];
    case 'listPolicies':
      return ['200', 'PolicyList'];
    case 'createPolicy':
      return ['201', 'Policy'];
    case 'getPolicy':
      return ['200', 'Policy'];
    case 'listApprovals':
      return ['200', 'ApprovalList'];
    case 'requestApproval':
      return ['201', 'Approval'];
    case 'getApproval':
    case 'approveApproval':
    case 'rejectApproval':
    case 'withdrawApproval':
    case 'revokeApproval':
      return ['200', 'Approval'];
    default:
      return ['204', undefined];
  }
}

const QUERY: Record<string, readonly string[]> = {
  listPolicies: ['resource', 'filter', 'pageToken', 'pageSize', 'consumer'],
  createPolicy: ['resource', 'consumer'],
  getPolicy: ['conditionJson', 'resource', 'consumer'],
  updatePolicy: ['resource', 'consumer'],
  deletePolicy: ['resource', 'consumer'],
  listApprovals: ['status', 'as'],
  patchItem: ['ifVersion'],
};

const errorResponse = { description: 'An error: `{ code, message, details?, policyIds? }`', content: { 'application/json': { schema: ref('Error') } } };

/** The OpenAPI 3.1 document of the handler mounted at `basePath`. */
export function openApiDocument(basePath = ''): Schema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const pathKey = basePath + route.pattern;
    const operation: Record<string, unknown> = { operationId: route.operationId, summary: route.summary };
    const parameters: Schema[] = [];
    if (route.pattern.includes('{path}')) parameters.push({ name: 'path', in: 'path', required: true, description: 'The item path after `/item/` or `/access/`, percent-decoded once (empty: the root)', schema: string });
    if (route.pattern.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: string });
    for (const name of QUERY[route.operationId] ?? []) parameters.push({ name, in: 'query', required: false, schema: name === 'pageSize' || name === 'ifVersion' ? { type: 'integer' } : name === 'conditionJson' ? { type: 'boolean' } : string });
    if (parameters.length > 0) operation.parameters = parameters;
    const body = REQUEST_BODIES[route.operationId];
    if (body !== undefined) operation.requestBody = { required: route.operationId !== 'approveApproval' && route.operationId !== 'rejectApproval' && route.operationId !== 'revokeApproval', content: { 'application/json': { schema: ref(body) } } };
    const [status, schema] = successOf(route);
    operation.responses = {
      [status]: schema === undefined ? { description: 'Done' } : { description: 'Done', content: { 'application/json': { schema: ref(schema) } } },
      default: errorResponse,
    };
    (paths[pathKey] ??= {})[route.method.toLowerCase()] = operation;
  }
  paths[`${basePath}/openapi.json`] = { get: { operationId: 'openApi', summary: 'This document', responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'coffer', version: '1', description: 'The secret manager items/access API and the policy admin API, served by coffer (docs/http.md).' },
    paths,
    components: {
      schemas: {
        ItemCreate: itemCreateSchema,
        ItemPatch: itemPatchSchema,
        AclEntry: entrySchema,
        AclEntityBody: { type: 'object', additionalProperties: false, required: ['entity'], properties: { entity: entitySchema } },
        PolicyCreate: withCondition(policyCreateSchema),
        PolicyUpdate: withCondition(policyUpdateSchema),
        Condition: CONDITION_SCHEMA,
        ApprovalRequest: { ...approvalRequestSchema, properties: { ...approvalRequestSchema.properties, path: string } },
        DecisionOptions: decisionOptionsSchema,
        ...RESPONSE_SCHEMAS,
      },
    },
  };
}
