// Writes docs/openapi.json: the OpenAPI 3.1 document coffer/http serves at
// GET /openapi.json (run after a build: `npm run openapi`).
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../dist/src/http/openapi.js';

writeFileSync(new URL('../docs/openapi.json', import.meta.url), JSON.stringify(openApiDocument(''), null, 2) + '\n');
console.log('wrote docs/openapi.json');
