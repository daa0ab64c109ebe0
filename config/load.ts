// Loads and validates the YAML config. A bad file stops start-up with one line per problem that
// names the key, the value, what is allowed, and where to look.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { migrateConfig } from './migrate.js';
import { ConfigSchema, type GatewayConfig } from './schema.js';
import { CardConfigSchema } from '../drivers/card/config.js';
import { FaceConfigSchema } from '../drivers/face/config.js';
import { PanelConfigSchema } from '../drivers/panel/config.js';
import { fromRoot } from '../vocabulary/paths.js';
import { PATH_MARK } from '../vocabulary/path-option.js';
import { ConfigError } from '../vocabulary/config-error.js';


export const DEMO_CONFIG_FILE = fromRoot('config', 'demo.yaml');

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile<GatewayConfig>(ConfigSchema);

function keyOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).join('.');
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return path ? `${path}.${extra}` : extra;
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return path ? `${path}.${missing}` : missing;
  }
  return path || '(top level)';
}

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const part of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function allowed(error: ErrorObject, schemaDescription: string | undefined): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': return 'unknown key: remove it or check its spelling (oqsgw config schema lists every key)';
    case 'anyOf': return 'allowed: one of the listed choices';
    case 'const': return `allowed: ${JSON.stringify(p.allowedValue)}`;
    case 'enum': return `allowed: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: return `${error.message ?? 'invalid'}${schemaDescription ? ` (${schemaDescription})` : ''}`;
  }
}

/** Literal unions fail as anyOf with one error per branch; report the choices once. */
function summarise(errors: ErrorObject[], data: unknown): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath + '|' + keyOf(e)) ?? [];
    list.push(e);
    byPath.set(e.instancePath + '|' + keyOf(e), list);
  }
  const lines: string[] = [];
  for (const list of byPath.values()) {
    const first = list[0]!;
    const key = keyOf(first);
    const value = first.keyword === 'additionalProperties' || first.keyword === 'required' ? undefined : valueAt(data, first.instancePath);
    const consts = list.filter((e) => e.keyword === 'const').map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
    const root = list.find((e) => e.keyword !== 'const' && e.keyword !== 'anyOf') ?? first;
    const description = (root.parentSchema as { description?: string } | undefined)?.description;
    const rule = consts.length > 0 ? `allowed: ${consts.join(', ')}` : allowed(root, description);
    lines.push(value === undefined ? `${key}: ${rule}` : `${key}: ${JSON.stringify(value)} is not valid; ${rule}`);
  }
  return lines;
}

/** Where migration notes go unless the caller takes them: stderr, which is the journal under systemd. */
const printNote = (file: string, note: string): void => void process.stderr.write(`config: ${file}: ${note}\n`);

/** Migrates an older layout (config/migrate.ts), then validates; defaults are filled in. */
export function validateConfig(data: unknown, file = '(config)', onNote: (note: string) => void = (note) => printNote(file, note)): GatewayConfig {
  const raw = data ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, ['the file must hold a YAML mapping of keys']);
  let input: Record<string, unknown>;
  try {
    const migrated = migrateConfig(raw as Record<string, unknown>);
    input = migrated.data;
    for (const note of migrated.notes) onNote(note);
  } catch (error) {
    throw new ConfigError(file, [error instanceof Error ? error.message : String(error)]);
  }
  if (!validate(input)) throw new ConfigError(file, summarise(validate.errors ?? [], input));
  return input;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  [PATH_MARK]?: boolean;
}

/** Resolves every path-valued key (see vocabulary/path-option.ts) against `base`, in place. */
function resolvePaths(schema: SchemaNode, data: Record<string, unknown>, base: string): void {
  for (const [key, node] of Object.entries(schema.properties ?? {})) {
    const value = data[key];
    if (node[PATH_MARK] && typeof value === 'string' && value !== '' && !isAbsolute(value)) data[key] = resolve(base, value);
    else if (node.properties && value && typeof value === 'object') resolvePaths(node, value as Record<string, unknown>, base);
  }
}

/** `base`: the folder relative paths are resolved against (the config file's; default: the working directory). */
export function parseConfig(text: string, file = '(config)', base = process.cwd(), onNote?: (note: string) => void): GatewayConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML syntax at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  const config = validateConfig(doc.toJS(), file, onNote);
  resolvePaths(ConfigSchema as unknown as SchemaNode, config as unknown as Record<string, unknown>, base);
  // A reader's sections are free-form until merged (config/readers.ts): their paths resolve by the section's schema.
  for (const reader of config.readers) {
    for (const [name, schema] of [['card', CardConfigSchema], ['panel', PanelConfigSchema], ['face', FaceConfigSchema]] as const) {
      const section = reader[name];
      if (section) resolvePaths(schema as unknown as SchemaNode, section, base);
    }
  }
  return config;
}

export function loadConfig(file: string, onNote?: (note: string) => void): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return parseConfig(text, file, dirname(resolve(file)), onNote);
}
