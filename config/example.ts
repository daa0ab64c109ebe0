// Renders config/example.yaml from the schema, so the documented example can never drift from
// what the loader accepts: every key, its default, and its description as a comment.
// `oqsgw config example` prints it; test/unit/config/*.test.ts checks the file is current.
import { stringify } from 'yaml';
import { ConfigSchema, EXAMPLE_MARK } from './schema.js';

interface SchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  [EXAMPLE_MARK]?: readonly string[];
}

function choices(node: SchemaNode): string {
  if (node.anyOf?.every((n) => n.const !== undefined)) return ` (one of: ${node.anyOf.map((n) => JSON.stringify(n.const)).join(', ')})`;
  if (node.minimum !== undefined && node.maximum !== undefined) return ` (${node.minimum}..${node.maximum})`;
  return '';
}

function render(node: SchemaNode, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.description) lines.push(`${indent}# ${child.description}${choices(child)}`);
    if (child.type === 'object' && child.properties) {
      lines.push(`${indent}${key}:`);
      lines.push(...render(child, indent + '  '));
    } else if (child.default === undefined) {
      // A key without a default (unset means "derived", e.g. face.threshold from face.model) is
      // shown commented out: an explicit null would not pass the schema.
      lines.push(`${indent}# ${key}:`);
    } else {
      const value = stringify(child.default, { flow: true, lineWidth: 0 }).trim();
      lines.push(`${indent}${key}: ${value}`);
    }
    const example = child[EXAMPLE_MARK];
    if (example) lines.push(`${indent}# for example:`, `${indent}# ${key}:`, ...example.map((line) => `${indent}#   ${line}`));
  }
  return lines;
}

export function exampleConfig(): string {
  return [
    '# oqs-gateway configuration (YAML). Every key is optional; the value shown is the default.',
    '# Generated from the config schema by `oqsgw config example`; check a file with `oqsgw config check FILE`.',
    "# Relative paths are relative to this file's folder.",
    ...render(ConfigSchema as unknown as SchemaNode, ''),
    '',
  ].join('\n');
}
