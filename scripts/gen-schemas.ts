// Writes the generated JSON Schemas (schemas/eligibility.v2.schema.json) from the model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ELIGIBILITY_SCHEMA_FILE, eligibilityJsonSchemaText } from '../drivers/line/answer-json-schema.js';

writeFileSync(join(import.meta.dirname, '..', 'schemas', ELIGIBILITY_SCHEMA_FILE), eligibilityJsonSchemaText());
console.log(`schemas/${ELIGIBILITY_SCHEMA_FILE} written`);
