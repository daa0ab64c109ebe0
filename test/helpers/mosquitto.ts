// A real mosquitto for integration tests: its own config, a free loopback port, in the
// foreground as a child of the test, stopped (and restartable on the same port) on demand.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { freePort, waitFor } from './ports.js';

// Debian installs it in /usr/sbin, which is not on every user's PATH.
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** SIGTERM by default; SIGKILL: the node dies at once, without saving what it holds in memory. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** `extra` is appended to the config (TLS listeners, ACLs ...); persistence keeps sessions across restarts.
 * `chosenPort`: a port picked before (two nodes bridged to each other must know each other's). */
export async function startMosquitto(extra = '', chosenPort?: number): Promise<Mosquitto> {
  const port = chosenPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'oqs-mosquitto-'));
  // Started as root, mosquitto drops to its own user: it must be able to write its session
  // store here, or persistent sessions silently vanish across a restart.
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'log_dest stderr',
    'log_type error',
    extra,
  ].join('\n') + '\n');
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    // A test file ended by its time-out skips its teardown: the broker must not outlive it.
    const orphan = child;
    const reap = () => orphan.kill('SIGKILL');
    process.once('exit', reap);
    orphan.once('exit', () => process.off('exit', reap));
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`))));
    await Promise.race([waitFor('mosquitto to accept connections', () => accepting(port), 10000), exited]);
    exited.catch(() => {});
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
    child = null;
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    start,
    stop: async (signal) => {
      await stop(signal);
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
