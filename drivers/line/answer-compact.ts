// The compact wire form of an answer, for batch and bulk results: the same answer without what
// the client restores exactly — every `…Label` (its code table gives it), every null (the schema
// says which fields may be null) and every viewing consent not given (flag 0 without times: all
// ten on a by-number answer). A batch's cost grew with its bytes (JSON.stringify and UTF-8
// encoding at the service, decoding, JSON.parse and the schema walk at the client; the labels are
// Japanese text, three bytes a character): the compact form is about a third of the full one
// (docs/eligibility.md, speed). The client validates the compact form against a schema derived
// from the model (labels gone, nullable fields optional), then expands it; the EHR always gets the
// full model. Single inquiries keep the full form.
import type { TSchema } from '@sinclair/typebox';
import { EligibilityResultSchema, VIEWING_NOT_GIVEN, type EligibilityResult } from './answer.js';
import { LABELLED } from './answer-check.js';
import type { CodeTable } from './codes.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  [key: string]: unknown;
};
type Json = Record<string, unknown>;
type Converter = (value: never) => unknown;

/** How to restore one field. */
interface Field {
  readonly key: string;
  /** A label: made from this code field with this table. */
  readonly label: { readonly from: string; readonly table: CodeTable } | null;
  /** An object field (or the object inside a nullable one): its own fields. */
  readonly object: readonly Field[] | null;
  /** An array of objects: the fields of each item. */
  readonly items: readonly Field[] | null;
  /** A viewing consent (flag, label, consent time, deadline): left out when not given. */
  readonly consent: boolean;
}

const CONSENT_KEYS = 'availableTime,consFlg,consFlgLabel,consTime';
const isConsent = (s: JsonSchema | null): boolean => s !== null && Object.keys(s.properties ?? {}).sort().join(',') === CONSENT_KEYS;

const allowsNull = (s: JsonSchema): boolean =>
  (Array.isArray(s.type) && s.type.includes('null')) || s.type === 'null' || (s.anyOf?.some(allowsNull) ?? false);
const objectOf = (s: JsonSchema): JsonSchema | null =>
  s.type === 'object' && s.properties ? s : s.anyOf?.find((b) => b.type === 'object' && b.properties) ?? null;
const labelSource = (key: string, properties: Record<string, JsonSchema>): string | null => {
  if (!key.endsWith('Label')) return null;
  const from = key.slice(0, -'Label'.length);
  return from in properties && LABELLED[from] !== undefined ? from : null;
};

function fieldsOf(schema: JsonSchema): Field[] {
  const properties = schema.properties ?? {};
  return Object.entries(properties).map(([key, s]): Field => {
    const from = labelSource(key, properties);
    const table = from === null ? undefined : LABELLED[from];
    const object = objectOf(s);
    const items = s.type === 'array' && s.items && !Array.isArray(s.items) ? objectOf(s.items) : null;
    return {
      key,
      label: from !== null && table !== undefined ? { from, table } : null,
      object: object ? fieldsOf(object) : null,
      items: items ? fieldsOf(items) : null,
      consent: isConsent(object),
    };
  });
}

/** The model's schema in the positional form: each object an array of its fields without the
 * labels, in the model's order; a null where the model allows one (and for a consent not given). */
function compactSchemaOf(s: JsonSchema): JsonSchema {
  if (s.anyOf) return { ...s, anyOf: s.anyOf.map(compactSchemaOf) };
  if (s.type === 'array' && s.items && !Array.isArray(s.items)) return { ...s, items: compactSchemaOf(s.items) };
  if (s.type !== 'object' || !s.properties) return s;
  const items: JsonSchema[] = [];
  for (const [key, p] of Object.entries(s.properties)) {
    if (labelSource(key, s.properties) !== null) continue;
    const inner = compactSchemaOf(p);
    items.push(isConsent(objectOf(p)) ? { anyOf: [inner, { type: 'null' }] } : inner);
  }
  return { type: 'array', items, additionalItems: false, minItems: items.length };
}

const MODEL = JSON.parse(JSON.stringify(EligibilityResultSchema)) as JsonSchema;
const FIELDS = fieldsOf(MODEL);

/** The JSON Schema of a compact result (wire.ts validates batch and bulk items with it). */
export const COMPACT_RESULT_SCHEMA: TSchema = compactSchemaOf(MODEL) as TSchema;

/** A compact result as it travels: checked by COMPACT_RESULT_SCHEMA before it is expanded. */
export type CompactResult = readonly unknown[];

/** The answer's own fields in their compact positions (tests name a position by its key). */
export const COMPACT_POSITIONS: readonly string[] = FIELDS.filter((f) => !f.label).map((f) => f.key);

// compact and expand are generated once from the fields (plain functions building object literals
// of a fixed shape): a generic walk over the field list cost more than the bytes it saved (2.8 ms
// to expand 200 answers, 0.8 ms generated; docs/eligibility.md, speed). The code is made from the
// model's own key names (checked below to be plain identifiers), never from anything received.

function generate(fields: readonly Field[], mode: 'compact' | 'expand', tables: CodeTable[], helpers: string[]): string {
  const sub = (inner: readonly Field[]) => {
    const body = generate(inner, mode, tables, helpers);
    helpers.push(`function h${helpers.length}(v) { ${body} }`);
    return `h${helpers.length - 1}`;
  };
  const position = new Map(fields.filter((f) => !f.label).map((f, i) => [f.key, i]));
  const parts: string[] = [];
  for (const f of fields) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f.key)) throw new Error(`answer-compact: unexpected key ${f.key}`);
    if (f.label) {
      if (mode === 'compact') continue;
      tables.push(f.label.table);
      const code = `v[${position.get(f.label.from)}]`;
      parts.push(`${f.key}: typeof ${code} === 'string' ? (t[${tables.length - 1}][${code}] ?? null) : null`);
      continue;
    }
    const v = mode === 'expand' ? `v[${position.get(f.key)}]` : `v.${f.key}`;
    const convert = f.object ? `${sub(f.object)}(${v})` : f.items ? `${v}.map(${sub(f.items)})` : v;
    if (mode === 'expand') {
      // A consent not given travels as null and comes back as VIEWING_NOT_GIVEN (a new object each time).
      parts.push(`${f.key}: ${v} == null ? ${f.consent ? JSON.stringify(VIEWING_NOT_GIVEN) : 'null'} : ${convert}`);
    } else if (f.consent) {
      parts.push(`(${v} == null || (${v}.consFlg === '0' && ${v}.consTime == null && ${v}.availableTime == null)) ? null : ${convert}`);
    } else {
      parts.push(`${v} == null ? null : ${convert}`);
    }
  }
  return mode === 'expand' ? `return { ${parts.join(', ')} };` : `return [${parts.join(', ')}];`;
}

function converter(mode: 'compact' | 'expand'): Converter {
  const tables: CodeTable[] = [];
  const helpers: string[] = [];
  const code = generate(FIELDS, mode, tables, helpers);
  const factory = new Function('t', `${helpers.join('\n')}\nreturn function (v) { ${code} };`) as (t: CodeTable[]) => Converter;
  return factory(tables);
}

const compactWith = converter('compact');
const expandWith = converter('expand');

/** The service: the answer without labels and nulls. */
export function compactAnswer(answer: EligibilityResult): CompactResult {
  return (compactWith as (v: EligibilityResult) => CompactResult)(answer);
}

/** The client: the full answer back, fields in the model's order. Only for a result that passed
 * COMPACT_RESULT_SCHEMA (every code is then one of its table's). */
export function expandAnswer(compact: CompactResult): EligibilityResult {
  return (expandWith as (v: CompactResult) => EligibilityResult)(compact);
}
