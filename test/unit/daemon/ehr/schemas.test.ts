// The EHR schema files are valid JSON Schema, agree with the code's lists, and their examples pass.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { REQUEST_ERROR_CODES } from '../../../../daemon/ehr/responder.js';
import { validatePayload, type SchemaName } from '../../../../daemon/mqtt/schemas.js';
import { fromRoot } from '../../../../vocabulary/paths.js';

const NAMES: SchemaName[] = ['inquiry-request.v2', 'inquiry-response.v2', 'batch-request.v2', 'batch-accepted.v1', 'batch-item.v2', 'batch-summary.v1', 'patient-link.v1', 'patient-link-result.v1', 'error.v1'];
const read = (name: string) => JSON.parse(readFileSync(fromRoot('schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown> & { properties: Record<string, { const?: string; enum?: string[] }> };

t.test('each payload kind has a schema file whose const names it', async (t) => {
  const files = readdirSync(fromRoot('schemas'));
  for (const name of NAMES) {
    t.ok(files.includes(`${name}.schema.json`), name);
    const schema = read(name);
    t.equal(schema.properties.schema?.const, `oqs.${name}`, `${name}: schema const`);
    t.equal(schema.$id, `https://oqs-gateway.example/schemas/${name}.schema.json`);
    t.type(schema.description, 'string', `${name} is described for vendors`);
  }
});

t.test('the error schema lists exactly the request error codes', async (t) => {
  t.same([...(read('error.v1').properties.code?.enum ?? [])].sort(), [...REQUEST_ERROR_CODES].sort());
});

t.test('examples in the schema files validate', async (t) => {
  for (const name of NAMES) {
    for (const example of (read(name).examples as unknown[] | undefined) ?? []) t.equal(validatePayload(name, example), null, name);
  }
});
