// Reads the official files back the way a receipt computer would: bytes decoded as Shift_JIS
// (code page 932, iconv-lite directly, not the gateway's own helper), then an XML parser that keeps
// element order, so the tests check names, order and values independently of the writer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';

/** An element: its name, its text (leaf) and its children in document order. */
export interface Element {
  readonly name: string;
  readonly text: string | null;
  readonly children: Element[];
}

type Ordered = Record<string, unknown>[];

function toElements(nodes: Ordered): Element[] {
  const out: Element[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '?xml') continue;
    const inner = node[name] as Ordered;
    const textNode = inner.find((n) => '#text' in n);
    const children = toElements(inner);
    out.push({ name, text: children.length === 0 ? String((textNode?.['#text'] as string | number | undefined) ?? '') : null, children });
  }
  return out;
}

export function readOfficialFile(path: string): { declaration: string; root: Element; crlf: boolean } {
  const bytes = readFileSync(path);
  const text = iconv.decode(bytes, 'Shift_JIS');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${path}: not well-formed: ${valid.err.msg}`);
  const parsed = new XMLParser({ preserveOrder: true, parseTagValue: false, ignoreAttributes: true, trimValues: true }).parse(text) as Ordered;
  const [root] = toElements(parsed);
  if (!root) throw new Error(`${path}: no root element`);
  return { declaration: text.split(/\r?\n/, 1)[0] ?? '', root, crlf: text.includes('\r\n') && !/[^\r]\n/.test(text) };
}

export function child(element: Element, ...path: string[]): Element | undefined {
  let here: Element | undefined = element;
  for (const name of path) here = here?.children.find((c) => c.name === name);
  return here;
}

export const names = (element: Element | undefined) => element?.children.map((c) => c.name) ?? [];

export function listFiles(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir).filter((n) => pattern.test(n)).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** True when `seen` lists names in the same relative order as `order` (missing ones allowed). */
export function inOrder(seen: readonly string[], order: readonly string[]): boolean {
  let at = -1;
  for (const name of seen) {
    const i = order.indexOf(name);
    if (i <= at) return false;
    at = i;
  }
  return true;
}
