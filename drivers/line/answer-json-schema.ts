// schemas/eligibility.v2.schema.json is this function's output: the answer model (answer.ts) as the
// JSON Schema EHR vendors read. Written by `npm run gen:schemas`; a test fails when the committed
// file and the model differ, so the contract cannot drift from the code.
import { EligibilityResultSchema } from './answer.js';

export const ELIGIBILITY_SCHEMA_FILE = 'eligibility.v2.schema.json';

export function eligibilityJsonSchema(): Record<string, unknown> {
  // TypeBox schemas are JSON Schema; stringifying drops its symbol-keyed bookkeeping.
  const body = JSON.parse(JSON.stringify(EligibilityResultSchema)) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://oqs-gateway.example/schemas/${ELIGIBILITY_SCHEMA_FILE}`,
    title: 'The eligibility answer (資格確認結果) in the national system\'s terms',
    description: 'Generated from drivers/line/answer.ts (npm run gen:schemas). Keys are the official element names of the qualification-check result in lowerCamelCase; codes keep their official values with a ...Label beside them; dates YYYY-MM-DD, times ISO 8601. docs/eligibility.md gives the source of every element.',
    ...body,
  };
}

export function eligibilityJsonSchemaText(): string {
  return `${JSON.stringify(eligibilityJsonSchema(), null, 2)}\n`;
}
