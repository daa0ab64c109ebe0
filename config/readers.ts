// Several readers on one gateway (issue 18): `readers:` in the config names each reader and what
// differs for it (card reader name, panel port, camera); everything else comes from the top-level
// card / panel / face sections. This is the one place that turns the config into the list of
// readers the gateway drives, each with full driver configs. With `readers` empty the list is the
// one reader of today: `readerId` with the top-level sections as they are.
import { Ajv, type ErrorObject } from 'ajv';
import { CardConfigSchema, type CardConfig } from '../drivers/card/config.js';
import { FaceConfigSchema, type FaceConfig } from '../drivers/face/config.js';
import { PanelConfigSchema, type PanelConfig } from '../drivers/panel/config.js';
import type { GatewayConfig } from './schema.js';

export interface ResolvedReader {
  readonly id: string;
  readonly card: CardConfig;
  readonly panel: PanelConfig;
  readonly face: FaceConfig;
}

/**
 * The face fields a reader may set for itself: its camera. The model, threshold and the matching
 * policy are shared (one model in memory for every reader), so setting them per reader is refused.
 */
export const READER_FACE_FIELDS: readonly (keyof FaceConfig)[] = ['source', 'device', 'captureWidth', 'captureHeight', 'simFrames', 'simFrameIntervalMs', 'simDecisions'];

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validators = {
  card: ajv.compile<CardConfig>(CardConfigSchema),
  panel: ajv.compile<PanelConfig>(PanelConfigSchema),
  face: ajv.compile<FaceConfig>(FaceConfigSchema),
};

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged onto `base`: nested mappings merge key by key, anything else (lists too) replaces. */
function merged(base: Plain, over: Plain): Plain {
  const out: Plain = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlain(value) && isPlain(out[key]) ? merged(out[key] as Plain, value) : structuredClone(value);
  }
  return out;
}

function errorLines(prefix: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath.split('/').slice(1).join('.');
    const extra = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : '';
    const key = [prefix, path, extra].filter(Boolean).join('.');
    return e.keyword === 'additionalProperties'
      ? `${key}: unknown key: remove it or check its spelling (oqsgw config schema lists every key)`
      : `${key}: ${e.message ?? 'invalid'}`;
  });
}

export interface ReadersResolution {
  readonly readers: readonly ResolvedReader[];
  /** One line per problem, naming the key and the fix; the readers are not usable unless empty. */
  readonly problems: readonly string[];
}

/** Every reader this gateway drives, with full configs, and what is wrong with the `readers` list. */
export function resolveReaders(config: GatewayConfig): ReadersResolution {
  if (config.readers.length === 0) {
    return { readers: [{ id: config.readerId, card: config.card, panel: config.panel, face: config.face }], problems: [] };
  }
  const problems: string[] = [];
  const readers: ResolvedReader[] = [];
  config.readers.forEach((entry, index) => {
    const at = `readers[${index}]`;
    for (const key of Object.keys(entry.face ?? {})) {
      if (!(READER_FACE_FIELDS as readonly string[]).includes(key)) {
        problems.push(`${at}.face.${key}: the face model and its matching settings are shared by every reader (one model in memory); set face.${key} at the top level (a reader may set only ${READER_FACE_FIELDS.join(', ')})`);
      }
    }
    const card = merged(config.card as unknown as Plain, entry.card ?? {});
    const panel = merged(config.panel as unknown as Plain, entry.panel ?? {});
    const face = merged(config.face as unknown as Plain, entry.face ?? {});
    const ok = [
      validators.card(card) || (problems.push(...errorLines(`${at}.card`, validators.card.errors)), false),
      validators.panel(panel) || (problems.push(...errorLines(`${at}.panel`, validators.panel.errors)), false),
      validators.face(face) || (problems.push(...errorLines(`${at}.face`, validators.face.errors)), false),
    ].every(Boolean);
    if (ok) readers.push({ id: entry.id, card: card as unknown as CardConfig, panel: panel as unknown as PanelConfig, face: face as unknown as FaceConfig });
  });
  problems.push(...sharedDevices(config, readers));
  return { readers, problems };
}

/** Two readers on one device would take each other's cards, screens or frames: refused by name. */
function sharedDevices(config: GatewayConfig, readers: readonly ResolvedReader[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, number>();
  config.readers.forEach((r, i) => {
    const first = ids.get(r.id);
    if (first !== undefined) problems.push(`readers[${i}].id: ${JSON.stringify(r.id)} is already the id of readers[${first}]; every reader needs its own id`);
    else ids.set(r.id, i);
  });
  const pcsc = readers.filter((r) => r.card.driver === 'pcsc');
  for (const [i, a] of pcsc.entries()) {
    if (pcsc.length > 1 && a.card.readerName === '') {
      problems.push(`readers (${a.id}).card.readerName: empty means "the first reader", which every pcsc reader would take; give each reader its PC/SC reader name (pcsc_scan lists them)`);
      continue;
    }
    for (const b of pcsc.slice(i + 1)) {
      // The pcsc driver takes the first reader whose name CONTAINS readerName, so one name inside the other is the same reader.
      if (b.card.readerName === '' || !(a.card.readerName.includes(b.card.readerName) || b.card.readerName.includes(a.card.readerName))) continue;
      problems.push(`readers (${a.id}, ${b.id}).card.readerName: ${JSON.stringify(a.card.readerName)} and ${JSON.stringify(b.card.readerName)} can match the same PC/SC reader (a name is matched by "contains"); make each name whole, e.g. "Virtual PCD 00 00"`);
    }
  }
  const claims = new Map<string, string>();
  const claim = (what: string, value: string, reader: string) => {
    const key = `${what}\0${value}`;
    const owner = claims.get(key);
    if (owner !== undefined && owner !== reader) problems.push(`readers (${owner}, ${reader}): both use ${what} ${value}; each reader needs its own`);
    else claims.set(key, reader);
  };
  for (const r of readers) {
    if (r.panel.driver === 'serial') claim('the serial port', r.panel.path, r.id);
    if (r.face.driver === 'camera' && r.face.source === 'v4l2') claim('the camera', r.face.device, r.id);
    if (r.card.front.source === 'v4l2') claim('the camera', r.card.front.device, r.id);
  }
  return problems;
}
