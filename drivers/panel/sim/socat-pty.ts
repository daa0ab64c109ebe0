// A socat pty pair: two linked serial devices for the panel simulator and the serial driver (the
// 'pty' panel driver, `oqsgw sim panel` labs, and the tests). Each end gets a stable symlink, so
// socat can be killed (a pulled cable) and started again on the same names (the cable's return)
// although the /dev/pts numbers change. Whoever starts it stops it with close().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Stable names (symlinks) of the two ends. */
  readonly gateway: string;
  readonly panel: string;
  /** The /dev/pts devices socat reported on its stderr, for this run. */
  readonly devices: readonly [string, string];
  /** Pulls the cable: kills socat, both devices vanish. */
  pull(): Promise<void>;
  /** Plugs it back: a new socat on the same names. */
  plug(): Promise<void>;
  /** Stops socat and removes the names. */
  close(): Promise<void>;
}

const HAS_SETPRIV = (() => {
  try {
    execFileSync('setpriv', ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function startSocat(gateway: string, panel: string): Promise<{ child: ChildProcess; devices: [string, string] }> {
  const socat = ['socat', '-d', '-d', `pty,raw,echo=0,link=${gateway}`, `pty,raw,echo=0,link=${panel}`];
  // setpriv makes the kernel stop socat when we die, however we die (a killed test included);
  // it execs socat, so the pid we hold is socat's.
  const [command, ...args] = HAS_SETPRIV ? ['setpriv', '--pdeathsig', 'TERM', ...socat] : socat;
  const child = spawn(command!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const devices = await new Promise<[string, string]>((resolve, reject) => {
    let text = '';
    let settled = false;
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${text}`)), 10_000);
    child.once('error', (error) => (clearTimeout(timer), reject(error)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`socat exited ${code}: ${text}`))));
    // Kept reading after start-up so socat never blocks on a full stderr pipe.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (settled) return;
      text += chunk.toString();
      const found = [...text.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]!);
      if (found.length >= 2 && text.includes('starting data transfer loop')) {
        settled = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve([found[0]!, found[1]!]);
      }
    });
  });
  return { child, devices };
}

function stopSocat(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'oqsgw-panel-'));
  const gateway = join(dir, 'gateway');
  const panel = join(dir, 'panel');
  let current = await startSocat(gateway, panel);
  let devices = current.devices;
  return {
    gateway,
    panel,
    get devices() {
      return devices;
    },
    pull: () => stopSocat(current.child),
    plug: async () => {
      current = await startSocat(gateway, panel);
      devices = current.devices;
    },
    close: async () => {
      await stopSocat(current.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
