// A socat pty pair for panel tests: two linked serial devices, started by the test and stopped
// after it. Each end also gets a stable symlink, so a test can kill socat (a pulled cable) and
// start it again on the same names (the cable's return) although the /dev/pts numbers change.
import { spawn, type ChildProcess } from 'node:child_process';
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

async function startSocat(gateway: string, panel: string): Promise<{ child: ChildProcess; devices: [string, string] }> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${gateway}`, `pty,raw,echo=0,link=${panel}`], { stdio: ['ignore', 'ignore', 'pipe'] });
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
