// Brings a config file written for an older layout up to the current one, so a technician's old
// file still loads after an upgrade. Each step says, in one line, what it changed; the loader
// prints those lines (`oqsgw config check` and the journal at start show them).
import { CONFIG_VERSION } from './schema.js';

export interface Migrated {
  readonly data: Record<string, unknown>;
  /** One sentence per change made, for the technician. */
  readonly notes: string[];
}

type Step = (data: Record<string, unknown>, notes: string[]) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** STEPS[n] turns a version-n file into a version-(n+1) one. A file without `version` is version 1. */
const STEPS: Record<number, Step> = {
  1: (data, notes) => {
    const mqtt = data.mqtt;
    if (isObject(mqtt) && 'ehr' in mqtt) {
      if (!('ehr' in data)) data.ehr = mqtt.ehr;
      delete mqtt.ehr;
      notes.push('mqtt.ehr moved to the top-level key ehr (same options); update the file with `oqsgw config example` as a guide');
    }
    if ('demo' in data) {
      delete data.demo;
      notes.push('demo.intervalSeconds removed: it never did anything under `oqsgw start`; use `oqsgw demo --interval N`');
    }
  },
};

/** Throws a plain Error (the loader names the file) when the file is newer than this gateway. */
export function migrateConfig(input: Record<string, unknown>): Migrated {
  const data = structuredClone(input);
  const notes: string[] = [];
  const declared = data.version ?? 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new Error(`version: ${JSON.stringify(declared)} is not valid; allowed: a whole number from 1 to ${CONFIG_VERSION}`);
  }
  if (declared > CONFIG_VERSION) {
    throw new Error(`version: ${declared} is newer than this gateway understands (${CONFIG_VERSION}); upgrade the gateway or use an older file`);
  }
  for (let v = declared; v < CONFIG_VERSION; v++) STEPS[v]!(data, notes);
  data.version = CONFIG_VERSION;
  // A file that used none of the moved keys needs no word: it means the same in every layout.
  if (notes.length > 0) notes.push(`read as layout version ${declared} and migrated in memory; the file itself is unchanged: update it and add "version: ${CONFIG_VERSION}"`);
  return { data, notes };
}
