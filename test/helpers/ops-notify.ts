// A fake systemd notification socket: a separate process binds a unix datagram socket (with the
// same unix-dgram package the daemon uses) and prints each datagram with its arrival time, so the
// test sees when pings really arrived even while its own event loop was blocked.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './ports.js';

export interface NotifyMessage { readonly t: number; readonly m: string }

export interface NotifyReceiver {
  readonly path: string;
  readonly messages: NotifyMessage[];
  /** Every assignment received (a datagram may carry several, newline-separated). */
  lines(): string[];
  stop(): Promise<void>;
}

const RECEIVER = `
const { createSocket } = require(process.argv[1]);
const s = createSocket('unix_dgram', (buf) => process.stdout.write(JSON.stringify({ t: Date.now(), m: buf.toString('utf8') }) + '\\n'));
s.on('error', (e) => { console.error(String(e)); process.exit(1); });
s.on('listening', () => process.stdout.write('{"listening":true}\\n'));
s.bind(process.argv[2]);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startNotifyReceiver(): Promise<NotifyReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-notify-'));
  const path = join(dir, 'notify.sock');
  const modulePath = createRequire(import.meta.url).resolve('unix-dgram');
  const child = spawn(process.execPath, ['-e', RECEIVER, modulePath, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const messages: NotifyMessage[] = [];
  let listening = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const parsed = JSON.parse(line) as NotifyMessage & { listening?: boolean };
    if (parsed.listening) listening = true;
    else messages.push(parsed);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor('the notify receiver to listen', () => listening || child.exitCode !== null, 10000);
  if (!listening) throw new Error('the notify receiver did not start');
  return {
    path,
    messages,
    lines: () => messages.flatMap((x) => x.m.split('\n')).filter((l) => l !== ''),
    stop: async () => {
      child.stdin!.end(); // the receiver exits when its stdin closes
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
