// Reads the line's TLS material. The client key must not be readable by group or others: a key
// that any local user can copy lets them pose as the clinic on the claims network.
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../../vocabulary/config-error.js';

export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

function read(key: string, file: string): Buffer {
  if (file === '') throw new ConfigError(key, [`${key}: is empty; set it to the PEM file's path (line.driver 'https' needs ca, cert and key)`]);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(file, [`${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path and that the daemon's user may read it`]);
  }
}

/** Throws a ConfigError naming the file and the fix when the key is open to group or others. */
export function checkKeyMode(file: string, key = 'line.key'): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (error) {
    throw new ConfigError(file, [`${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(file, [
      `${key}: ${file} has mode ${mode.toString(8).padStart(4, '0')}; the client key must be readable by its owner only — run: chmod 600 ${file}`,
    ]);
  }
}

export function loadTlsMaterial(files: TlsFiles): TlsMaterial {
  const ca = read('line.ca', files.ca);
  const cert = read('line.cert', files.cert);
  if (files.key === '') read('line.key', files.key);
  checkKeyMode(files.key);
  return { ca, cert, key: read('line.key', files.key) };
}
