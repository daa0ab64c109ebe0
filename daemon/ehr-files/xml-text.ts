// The official files' XML as text: elements in a fixed order, empty ones left out (as
// YUKI-ENT/OQSDrug2 QualificationFaceExporter.cs writes them), tab indent, CRLF, the XML
// declaration naming Shift_JIS (YUKI-ENT/OQSDrug2 BulkQualificationService.cs), and on the way
// in, a parser that keeps every value a string (codes keep their leading zeros).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeCp932, encodeCp932, toCp932Text } from './sjis.js';

/** An element with text, or with children; null/'' text and childless groups are left out. */
export type XmlNode = { readonly name: string; readonly text?: string | null; readonly children?: readonly (XmlNode | null)[] };

export const el = (name: string, text: string | null | undefined): XmlNode | null => (text === null || text === undefined || text === '' ? null : { name, text });
export const group = (name: string, children: readonly (XmlNode | null)[]): XmlNode | null =>
  children.some((c) => c !== null) ? { name, children } : null;

const DECLARATION = '<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface RenderedXml {
  readonly bytes: Buffer;
  /** Characters that code page 932 could not hold and were mapped (docs/ehr-files.md). */
  readonly replaced: number;
}

export function renderXml(root: XmlNode): RenderedXml {
  const lines: string[] = [DECLARATION];
  let replaced = 0;
  const walk = (node: XmlNode, depth: number) => {
    const indent = '\t'.repeat(depth);
    if (node.children) {
      lines.push(`${indent}<${node.name}>`);
      for (const child of node.children) if (child) walk(child, depth + 1);
      lines.push(`${indent}</${node.name}>`);
      return;
    }
    // Control characters are not allowed in XML 1.0 text: a space keeps the value's length.
    const mapped = toCp932Text((node.text ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ' '));
    replaced += mapped.replaced;
    lines.push(`${indent}<${node.name}>${escapeXml(mapped.text)}</${node.name}>`);
  };
  walk(root, 0);
  return { bytes: encodeCp932(`${lines.join('\r\n')}\r\n`), replaced };
}

/** A parsed element: text, or children by name (a repeated name gives an array). */
export type XmlValue = string | { readonly [name: string]: XmlValue | readonly XmlValue[] };

export class XmlFileError extends Error {}

/**
 * Bytes of a request file → its root element. The declared encoding decides the decoding
 * (Shift_JIS / Windows-31J, or UTF-8 when declared, as CharacterCodeIdentifier 0 allows).
 */
export function parseXmlFile(bytes: Buffer): { readonly root: string; readonly value: XmlValue } {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase() ?? 'shift_jis';
  const text = declared === 'utf-8' || declared === 'utf8' ? bytes.toString('utf8') : decodeCp932(bytes);
  // The official layout has no DTD; one in a request could only serve entity expansion.
  if (/<!DOCTYPE/i.test(text)) throw new XmlFileError('a DOCTYPE is not allowed in a request file');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlFileError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, ignoreDeclaration: true, ignorePiTags: true });
  const parsed = parser.parse(text) as Record<string, XmlValue>;
  const roots = Object.keys(parsed);
  if (roots.length !== 1 || roots[0] === undefined) throw new XmlFileError('the file must have exactly one root element');
  const root = roots[0];
  return { root, value: parsed[root] ?? '' };
}

/** The child element's text, or null; a repeated or nested element is not text. */
export function textOf(value: XmlValue | readonly XmlValue[] | undefined, ...path: string[]): string | null {
  let here: XmlValue | readonly XmlValue[] | undefined = value;
  for (const name of path) {
    if (here === undefined || typeof here === 'string' || Array.isArray(here)) return null;
    here = (here as { readonly [name: string]: XmlValue | readonly XmlValue[] })[name];
  }
  if (here === undefined) return null;
  return typeof here === 'string' ? here : null;
}

/** The child elements of that name, as a list (none, one or many). */
export function listOf(value: XmlValue | readonly XmlValue[] | undefined, ...path: string[]): XmlValue[] {
  let here: XmlValue | readonly XmlValue[] | undefined = value;
  for (const [i, name] of path.entries()) {
    if (here === undefined || typeof here === 'string') return [];
    if (Array.isArray(here)) {
      if (i === path.length) break;
      return [];
    }
    here = (here as { readonly [name: string]: XmlValue | readonly XmlValue[] })[name];
  }
  if (here === undefined) return [];
  return Array.isArray(here) ? [...(here as readonly XmlValue[])] : [here as XmlValue];
}
