// The JSON Schemas of the MQTT contract (schemas/*.schema.json) — the same files EHR vendors
// read. Compiled once; used to validate requests we receive and, in tests, what we publish.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fromRoot } from '../paths.js';

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

export function schemaFile(name: string): string {
  return fromRoot('schemas', `${name}.schema.json`);
}

export function validatorFor(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(schemaFile(name), 'utf8')) as object);
    compiled.set(name, validate);
  }
  return validate;
}

/** Null when valid; otherwise one line per problem, naming the field. */
export function schemaErrors(name: string, value: unknown): string[] | null {
  const validate = validatorFor(name);
  if (validate(value)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(payload)'} ${e.message ?? 'is invalid'}`);
}
