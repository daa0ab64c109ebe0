// The card commands end to end: `oqsgw card read --json` on the simulated reader, and
// `oqsgw sim card` + `oqsgw card watch` / `card read` through a private pcscd + vpcd.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fromRoot } from '../../daemon/paths.js';
import { ensurePki } from '../helpers/card-fixtures.js';
import { pcscUnavailable, startPcscStack } from '../helpers/pcsc-daemon.js';

ensurePki();
const TSX = fromRoot('node_modules', '.bin', 'tsx');
const MAIN = fromRoot('daemon', 'cli', 'main.ts');

function cli(args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, [MAIN, ...args], { cwd: fromRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, out: () => out, exited };
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No 12-digit run anywhere: the Individual Number is never printed (the driver cannot read it). */
const noIndividualNumber = (text: string) => !/(^|\D)\d{12}(\D|$)/.test(text.replace(/"serial":"[0-9A-F]+"|"sha256":"[0-9a-f]+"|\d{4}-\d\d-\d\dT[\d:.]+Z/g, ''));

t.test('card read --json on the simulated reader', async (t) => {
  const run = cli(['card', 'read', '--driver', 'sim', '--json']);
  t.equal(await run.exited, 0);
  const result = JSON.parse(run.out().trim().split('\n').at(-1)!) as Record<string, unknown>;
  t.match(result, { issuer: /Test JPKI User Authentication CA/, serial: /^[0-9A-F]+$/, keyBits: 2048, pinTriesLeft: 3 });
  t.ok(Date.parse(String(result.notAfter)) > Date.now());
  t.ok(noIndividualNumber(run.out()));
});

const why = pcscUnavailable();
t.test('sim card into pcscd; card watch and card read see it', { skip: why ?? false }, async (t) => {
  const stack = await startPcscStack();
  const children: ChildProcess[] = [];
  t.teardown(async () => {
    for (const c of children) if (c.exitCode === null) { c.kill('SIGKILL'); await once(c, 'exit'); }
    await stack.stop();
  });
  const watch = cli(['card', 'watch', '--read', '--reader', stack.readerName]);
  children.push(watch.child);
  await waitFor(() => watch.out().includes('"event":"reader"'), 20000, 'watch to see the reader');
  const sim = cli(['sim', 'card', '--profile', 'ito-sakura', '--port', String(stack.vpcdPort)]);
  children.push(sim.child);
  await waitFor(() => watch.out().includes('"event":"certificate"'), 20000, 'watch to read the card');
  t.match(watch.out(), /"event":"inserted","kind":"mynumber","atr":"3be000ff8131fe4514"/);
  const read = cli(['card', 'read', '--json', '--reader', stack.readerName, '--wait', '20']);
  children.push(read.child);
  t.equal(await read.exited, 0, read.out());
  t.match(JSON.parse(read.out().trim().split('\n').at(-1)!), { keyBits: 2048, pinTriesLeft: 3 });
  sim.child.kill('SIGINT');
  t.equal(await sim.exited, 0, 'sim card leaves on Ctrl-C');
  await waitFor(() => watch.out().includes('"event":"removed"'), 20000, 'watch to see the removal');
  watch.child.kill('SIGTERM');
  await watch.exited;
  t.ok(noIndividualNumber(watch.out() + read.out()));
});
