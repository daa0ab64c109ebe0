// Runs the real daemon (`oqsgw demo --config FILE`) as a child process from the sources, with
// a config written for the test, and collects its output for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { fromRoot } from '../../vocabulary/paths.js';

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export function writeConfig(config: Record<string, unknown>, dir = mkdtempSync(join(tmpdir(), 'oqs-gw-'))): { dir: string; file: string } {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return { dir, file };
}

export function startDaemon(args: string[], dir: string): DaemonProcess {
  // tsx resolved here, not from the child's working directory (a scratch folder).
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  exited.then((code) => {
    if (code !== 0 && code !== 'SIGKILL' && code !== 'SIGTERM') process.stderr.write(`daemon exited with ${code}:\n${out}\n`);
  }, () => {});
  return {
    child,
    dir,
    output: () => out,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
