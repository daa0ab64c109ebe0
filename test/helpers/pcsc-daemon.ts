// Brings up a private pcscd with a vpcd reader for the card integration tests and the benchmark,
// from a cold machine, and takes it down again. pcscd has one fixed socket (/run/pcscd/pcscd.comm),
// so there can be one per machine: when one is already running (a developer's systemd pcscd) we
// use it with Debian's vpcd port (35963); otherwise we start `pcscd --foreground` with our own
// reader.conf.d naming free vpcd ports, and stop it (and only it) afterwards.
//
// Several readers (issue 18): each reader.conf.d entry for vpcd is one reader with two slots, and
// pcscd shows each slot as a reader of its own, "<FRIENDLYNAME> 00 00" and "<FRIENDLYNAME> 00 01";
// vpcd listens for slot s of an entry on its CHANNELID port + s. pcsc-lite 1.9.9 (Debian 12) names
// every reader.conf entry's readers "00 00"/"00 01" whatever the entry, so two entries with the
// same FRIENDLYNAME give two readers called "Virtual PCD 00 00" (seen with its --debug log): each
// entry here gets its own FRIENDLYNAME ("Virtual PCD", "Virtual PCD B", "Virtual PCD C", ...), and
// no reader's name is contained in another's (the pcsc driver matches readerName by "contains").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** Debian's /etc/reader.conf.d/vpcd: CHANNELID 0x8C7B. */
export const DEBIAN_VPCD_PORT = 0x8c7b;

/** One slot of a vpcd entry: a PC/SC reader by itself, and the port a virtual card connects to. */
export interface VirtualReader {
  readonly name: string;
  readonly vpcdPort: number;
}

export interface PcscStack {
  /** vpcd port of the first virtual reader ("Virtual PCD 00 00"). */
  readonly vpcdPort: number;
  readonly readerName: string;
  /** Every virtual reader, in slot order (the first is vpcdPort/readerName). */
  readonly readers: readonly VirtualReader[];
  readonly owned: boolean;
  stop(): Promise<void>;
}

/** pcscd lives in /usr/sbin, which a non-login shell's PATH may lack. */
function pcscdPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v pcscd'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  return existsSync('/usr/sbin/pcscd') ? '/usr/sbin/pcscd' : null;
}

/** Why the stack cannot run here, or null when it can. */
export function pcscUnavailable(): string | null {
  if (!pcscdPath()) return 'pcscd is not installed (apt-get install pcscd)';
  if (!existsSync(VPCD_DRIVER)) return 'vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0 && !existsSync(PCSCD_SOCKET)) return 'starting pcscd needs root';
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function canConnect(options: { path: string } | { port: number; host: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(options as never);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Whether something listens on a TCP port, read from /proc: connecting to vpcd to find out would
 * itself look like a card being inserted. */
export function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((f) => {
    if (!existsSync(f)) return false;
    return readFileSync(f, 'utf8').split('\n').some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1]?.endsWith(hex.trim()) === true && cols[3] === '0A';
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Two consecutive free ports (vpcd opens one per slot, and Debian's config has two slots). */
async function freePortPair(taken: readonly number[] = []): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (taken.some((t) => Math.abs(t - port) < VPCD_SLOTS)) continue;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair for vpcd');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number, child?: ChildProcess): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) throw new Error(`pcscd exited (${child.exitCode}) while waiting for ${what}`);
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One user of the reader stack per machine at a time (tests and the benchmark may overlap): an
 * flock(1) held by a child whose stdin is our pipe, so the lock goes when we do, however we end. */
async function machineLock(ms: number): Promise<() => void> {
  const child = spawn('flock', ['-w', String(Math.ceil(ms / 1000)), LOCK_FILE, 'sh', '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const locked = await new Promise<boolean>((resolve) => {
    child.stdout?.once('data', () => resolve(true));
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  if (!locked) throw new Error(`another test run holds ${LOCK_FILE} (the pcscd + vpcd stack) for more than ${ms} ms`);
  return () => { child.stdin?.end(); };
}

const LOCK_FILE = join(tmpdir(), 'oqs-gateway-pcscd.lock');

/** vpcd's slots per reader.conf entry (VPCDSLOTS in vsmartcard's ifd-vpcd.c; 2 in Debian's build). */
export const VPCD_SLOTS = 2;

/** FRIENDLYNAME of the n-th vpcd entry: Debian's for the first, then a letter (see the top). */
export function friendlyName(entry: number): string {
  return entry === 0 ? 'Virtual PCD' : `Virtual PCD ${String.fromCharCode(0x41 + entry)}`;
}

/** The virtual readers `entries` vpcd entries at these base ports give, slot by slot. */
export function virtualReaders(basePorts: readonly number[]): VirtualReader[] {
  return basePorts.flatMap((port, entry) =>
    Array.from({ length: VPCD_SLOTS }, (_, slot) => ({ name: `${friendlyName(entry)} 00 0${slot}`, vpcdPort: port + slot })));
}

/** `readers`: how many virtual readers (slots) are wanted; entries of two slots are added to match. */
export async function startPcscStack(options: { readers?: number } = {}): Promise<PcscStack> {
  const why = pcscUnavailable();
  if (why) throw new Error(why);
  const wanted = options.readers ?? 1;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 2 * 26) throw new Error(`readers: 1 to ${2 * 26} virtual readers, not ${wanted}`);
  const unlock = await machineLock(180000);
  try {
    return await bringUp(unlock, wanted);
  } catch (error) {
    unlock();
    throw error;
  }
}

const STATE_FILE = join(tmpdir(), 'oqs-gateway-pcscd.pid');

/** A pcscd we started in a run that died without stopping it (we hold the lock, so nobody is
 * using it): stop it, so this run starts from a known state. */
async function reapOrphan(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const pid = Number(readFileSync(STATE_FILE, 'utf8').trim());
  rmSync(STATE_FILE, { force: true });
  const cmdline = (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } })();
  if (!pid || !/(^|\/)pcscd\0/.test(cmdline) || !cmdline.includes('oqs-pcscd-')) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the orphaned pcscd to exit', async () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '), 5000);
}

async function bringUp(unlock: () => void, wanted: number): Promise<PcscStack> {
  await reapOrphan();
  if (await canConnect({ path: PCSCD_SOCKET })) {
    // Someone else's pcscd (systemd or a parallel run): use Debian's vpcd reader if it has one.
    if (!listening(DEBIAN_VPCD_PORT)) {
      throw new Error(`a pcscd is already running without a vpcd reader on ${DEBIAN_VPCD_PORT}; stop it or restart it after installing vsmartcard-vpcd`);
    }
    if (wanted > VPCD_SLOTS) throw new Error(`${wanted} virtual readers need our own pcscd, but one is already running (Debian's vpcd entry has ${VPCD_SLOTS}); stop it (systemctl stop pcscd.socket pcscd)`);
    const readers = virtualReaders([DEBIAN_VPCD_PORT]).slice(0, wanted);
    return { vpcdPort: DEBIAN_VPCD_PORT, readerName: 'Virtual PCD 00 00', readers, owned: false, stop: async () => unlock() };
  }
  const ports: number[] = [];
  while (ports.length * VPCD_SLOTS < wanted) ports.push(await freePortPair(ports));
  const dir = mkdtempSync(join(tmpdir(), 'oqs-pcscd-'));
  ports.forEach((port, entry) => {
    const hex = `0x${port.toString(16).toUpperCase()}`;
    // vpcd keeps its slots' connections in one static table indexed by slot number (ifd-vpcd.c,
    // `ctx[Lun & 0xffff]`), and pcscd loads a LIBPATH once for every entry naming it: a second
    // entry on the same file would take over the first one's slots (cards seen in two readers,
    // SCardConnect "protocol mismatch"). Each further entry gets its own copy of the driver, so
    // the dynamic loader gives it its own table.
    // (In a sub-folder: pcscd reads every regular file of the config folder as a reader entry.)
    let lib = VPCD_DRIVER;
    if (entry > 0) {
      mkdirSync(join(dir, 'lib'), { recursive: true });
      lib = join(dir, 'lib', `libifdvpcd-${entry}.so`);
      copyFileSync(VPCD_DRIVER, lib);
    }
    writeFileSync(join(dir, `vpcd-${entry}`), `FRIENDLYNAME "${friendlyName(entry)}"\nDEVICENAME /dev/null:${hex}\nLIBPATH ${lib}\nCHANNELID ${hex}\n`);
  });
  const readers = virtualReaders(ports).slice(0, wanted);
  // A stale socket or pid file from a killed pcscd would stop ours from starting.
  rmSync(PCSCD_SOCKET, { force: true });
  rmSync('/run/pcscd/pcscd.pid', { force: true });
  // OQS_PCSCD_LOG=<file>: pcscd's debug log, for diagnosing the reader stack.
  const log = process.env.OQS_PCSCD_LOG;
  const child = spawn(pcscdPath() ?? 'pcscd', ['--foreground', '--config', dir, ...(log ? ['--debug', '--apdu'] : [])], {
    stdio: ['ignore', log ? openSync(log, 'w') : 'ignore', 'pipe'],
  });
  if (child.pid) writeFileSync(STATE_FILE, String(child.pid));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(STATE_FILE, { force: true });
    unlock();
  };
  try {
    await waitFor('pcscd socket', () => canConnect({ path: PCSCD_SOCKET }), 10000, child);
    await waitFor('vpcd ports', async () => readers.every((r) => listening(r.vpcdPort)), 10000, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return { vpcdPort: readers[0]!.vpcdPort, readerName: readers[0]!.name, readers, owned: true, stop };
}
