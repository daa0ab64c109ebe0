// Finds the test PKI (scripts/gen-test-pki.sh) and makes it when it is missing or older than the
// version this code needs, so the demo needs no set-up step.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { DEFAULT_PKI_DIR } from '../../config.js';

export const TEST_PKI_VERSION = 4;

export interface ManifestPerson { readonly id: string; readonly serial: string; readonly revoked: boolean; readonly expired?: boolean }

export function readManifest(dir: string): { version: number; people: ManifestPerson[] } | null {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; people?: ManifestPerson[] };
  return { version: parsed.version ?? 1, people: parsed.people ?? [] };
}

export async function ensureTestPki(dir = DEFAULT_PKI_DIR): Promise<string> {
  const manifest = readManifest(dir);
  if (manifest && manifest.version >= TEST_PKI_VERSION) return dir;
  // The script locks against parallel runs and swaps the tree in at the end.
  try {
    await promisify(execFile)('bash', [fromRoot('scripts', 'gen-test-pki.sh'), dir], { timeout: 120000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`cannot make the test PKI in ${dir}: ${stderr || (error as Error).message}; ` +
      `run bash scripts/gen-test-pki.sh ${dir} by hand (it needs openssl and flock: scripts/apt-packages/line.txt)`);
  }
  return dir;
}
