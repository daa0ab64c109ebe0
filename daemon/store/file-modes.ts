// The database holds patient data: its folder is the owner's only (0700) and its files too (0600),
// whatever the umask of whoever started the daemon (systemd sets UMask=0077; a technician running
// `oqsgw start` by hand usually has 0022, which made the files 0644). SQLite gives its -wal and
// -shm files the mode of the main file (unix VFS, robust_open with the database's permissions),
// so making the main file 0600 before SQLite opens it covers all three.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { ConfigError } from '../../vocabulary/config-error.js';

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/**
 * Makes `dir` exist with mode 0700. A folder open to group or others is tightened when this user
 * owns it (returns a note saying so, to log); one it does not own, or a shared folder such as
 * /tmp (sticky bit), is refused with the key to fix.
 */
export function secureDataDir(dir: string): string | null {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode is subject to the umask
    return null;
  }
  const refused = dataDirRefusal(dir);
  if (refused) throw new ConfigError('dataDir', [refused]);
  const mode = statSync(dir).mode & 0o7777;
  if ((mode & 0o077) === 0) return null;
  chmodSync(dir, 0o700);
  return `dataDir ${dir} had mode ${mode.toString(8).padStart(4, '0')}; set to 0700 (it holds patient data)`;
}

/** Why `start` would refuse this dataDir (startup-checks.ts asks too), or null. Read-only. */
export function dataDirRefusal(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const stat = statSync(dir);
  if (!stat.isDirectory()) return `dataDir: ${dir} is not a directory`;
  const mode = stat.mode & 0o7777;
  if ((mode & 0o077) === 0) return null;
  const mine = process.getuid?.() === undefined || stat.uid === process.getuid();
  if (mine && (mode & 0o1000) === 0) return null; // loose but ours: start tightens it to 0700
  return `dataDir: ${dir} has mode ${mode.toString(8).padStart(4, '0')} and ${mine ? 'is shared (sticky bit)' : 'belongs to another user'}; patient data needs a folder of its own — use a dedicated folder (e.g. /var/lib/oqs-gateway, mode 0700)`;
}

/** The database file (created empty if new) and any SQLite side files: 0600. */
export function secureDatabaseFiles(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const suffix of SIDE_FILES) {
    const path = file + suffix;
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

/** Files and folder open to group or others (doctor's warning); [] when all private. */
export function looseDataFiles(dir: string, file: string): string[] {
  const loose: string[] = [];
  if (existsSync(dir) && (statSync(dir).mode & 0o077) !== 0) loose.push(`${dir} (${(statSync(dir).mode & 0o777).toString(8)})`);
  for (const suffix of SIDE_FILES) {
    const path = file + suffix;
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) loose.push(`${path} (${(statSync(path).mode & 0o777).toString(8)})`);
  }
  return loose;
}
