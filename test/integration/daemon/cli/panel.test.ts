// `oqsgw sim panel` as a process on one end of a socat pty pair, the gateway's serial driver on
// the other: once with a script of answers, once played through its stdin (interactive mode).
import t from 'tap';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../../../vocabulary/log.js';
import { SerialReaderPanel } from '../../../../drivers/panel/serial-reader-panel.js';
import { ptyPair } from '../../../helpers/panel-pty.js';
import { FAST, waitForLink } from '../../../helpers/panel-rig.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const open = () => new AbortController().signal;

function cli(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; waitFor(text: string): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'daemon/cli/main.ts', 'sim', 'panel', ...args], { cwd: root });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters.splice(0)) (out.includes(w.text) ? w.resolve() : waiters.push(w));
  });
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    child,
    output: () => out,
    waitFor: (text) => (out.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
  };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

t.test('scripted: answers from the flags reach the gateway', async (t) => {
  const pair = await ptyPair();
  const sim = cli(['--port', pair.panel, '--identity', 'pin', '--pin', '1357', '--consent', 'drugInfo=y,checkupInfo=n', '--register', 'decline', '--think-ms', '0']);
  const panel = new SerialReaderPanel({ ...FAST, path: pair.gateway }, silentLogger);
  t.teardown(async () => {
    await panel.stop();
    await stop(sim.child);
    await pair.close();
  });
  await sim.waitFor('open]');
  await panel.start();
  await waitForLink(panel, true);
  await panel.show({ kind: 'welcome' });
  t.equal(await panel.askIdentityMethod(['face', 'pin'], open()), 'pin');
  const pin = await panel.askPin(3, open());
  t.ok(pin.kind === 'pin' && pin.digits.consume().toString('ascii') === '1357');
  t.same(await panel.askConsent(['drugInfo', 'checkupInfo'], open()), { kind: 'answered', consents: { drugInfo: true, checkupInfo: false } });
  t.same(await panel.askRegistration(open()), { kind: 'decline' });
  await sim.waitFor('マイナンバーカードを置いてください');
});

t.test('interactive: a person types the answers', async (t) => {
  const pair = await ptyPair();
  const sim = cli(['--port', pair.panel, '--interactive', '--language', 'en']);
  const panel = new SerialReaderPanel({ ...FAST, path: pair.gateway }, silentLogger);
  t.teardown(async () => {
    await panel.stop();
    sim.child.stdin.end();
    await stop(sim.child);
    await pair.close();
  });
  await sim.waitFor('open]');
  await panel.start();
  await waitForLink(panel, true);
  const choice = panel.askIdentityMethod(['face', 'pin'], open());
  await sim.waitFor('choose >');
  sim.child.stdin.write('2\n');
  t.equal(await choice, 'pin');
  const consent = panel.askConsent(['drugInfo', 'medicalInfo'], open());
  await sim.waitFor('y/n >');
  sim.child.stdin.write('n\n');
  await sim.waitFor('medical treatment');
  sim.child.stdin.write('y\n');
  t.same(await consent, { kind: 'answered', consents: { drugInfo: false, medicalInfo: true } });
  const pin = panel.askPin(3, open());
  await sim.waitFor('PIN (4 digits) >');
  sim.child.stdin.write('c\n');
  t.same(await pin, { kind: 'cancel' });
});
