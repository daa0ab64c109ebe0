// The JSON Schemas of the MQTT contract (schemas/*.schema.json), the same files EHR vendors read:
// the one loader, used to validate what the EHR sends and, in tests, everything we publish. Every
// schema file is loaded under its $id, so payloads can $ref the check-in schema's definitions
// (eligibility.v2.schema.json) the way a vendor's validator would.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fromRoot } from '../../vocabulary/paths.js';

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type SchemaName =
  | 'inquiry-request.v2' | 'inquiry-response.v2'
  | 'batch-request.v2' | 'batch-accepted.v1' | 'batch-item.v2' | 'batch-summary.v1'
  | 'patient-link.v1' | 'patient-link-result.v1' | 'error.v1' | 'checkin.v2' | 'eligibility.v2'
  | 'status.v1' | 'reader-state.v1' | 'doctor.v1';

/** The file behind a schema name, for tests and docs. */
export function schemaFile(name: SchemaName): string {
  return fromRoot('schemas', `${name}.schema.json`);
}

/** One problem, named by the JSON Pointer of the field at fault ('' is the payload itself). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

function load(): Ajv2020 {
  if (ajv) return ajv;
  const instance = new Ajv2020({ allErrors: true, strict: false });
  addFormats(instance);
  const dir = fromRoot('schemas');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
    instance.addSchema(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as object, file);
  }
  ajv = instance;
  return instance;
}

function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = load().getSchema(`${name}.schema.json`);
    if (!validate) throw new Error(`schema ${name} not found in schemas/`);
    compiled.set(name, validate);
  }
  return validate;
}

// Field pointers only ever hold names from the schema and array indices. An unknown key is the
// requester's text (it could be a name, a birth date, a 12-digit number): it is counted and placed
// by position, never echoed — errors go to the shared <base>/errors topic and to the log.
const MAX_FIELD = 128;
const MAX_ERRORS = 50;

function fieldOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${error.instancePath}/${String(params.missingProperty)}`;
  return error.instancePath;
}

function objectAt(value: unknown, pointer: string): Record<string, unknown> | null {
  let node = value;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : null;
}

/** One entry per object with unknown keys: how many, and where in the object (1-based). */
function unknownKeysEntry(pointer: string, keys: readonly string[], value: unknown): FieldError {
  const order = Object.keys(objectAt(value, pointer) ?? {});
  const positions = keys.map((k) => order.indexOf(k) + 1).filter((n) => n > 0).sort((a, b) => a - b).slice(0, 10);
  const count = `${keys.length} field${keys.length === 1 ? '' : 's'} not in the schema`;
  const where = positions.length > 0 ? ` (key${positions.length === 1 ? '' : 's'} number ${positions.join(', ')} of the object)` : '';
  return { field: pointer, message: `has ${count}${where}; check the spelling (unknown names are not repeated back)` };
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': return 'is required';
    case 'const': return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum': return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: return error.message ?? 'is invalid';
  }
}

/** Null when valid; otherwise one entry per field at fault (duplicates from anyOf branches merged). */
export function validatePayload(name: SchemaName, value: unknown): FieldError[] | null {
  const validate = validator(name);
  if (validate(value)) return null;
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  const unknown = new Map<string, Set<string>>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    if (error.keyword === 'additionalProperties') {
      const keys = unknown.get(error.instancePath) ?? new Set<string>();
      keys.add(String((error.params as { additionalProperty: unknown }).additionalProperty));
      unknown.set(error.instancePath, keys);
      continue;
    }
    const entry = { field: fieldOf(error).slice(0, MAX_FIELD), message: messageOf(error) };
    const key = `${entry.field}|${entry.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(entry);
  }
  for (const [pointer, keys] of unknown) errors.unshift({ ...unknownKeysEntry(pointer, [...keys], value), field: pointer.slice(0, MAX_FIELD) });
  return errors.length > 0 ? errors.slice(0, MAX_ERRORS) : [{ field: '', message: 'is invalid' }];
}
