// The card commands end to end: `oqsgw card read --json` on the simulated reader, and
// `oqsgw sim card` + `oqsgw card watch` / `card read` through a private pcscd + vpcd.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { ensurePki } from '../../../helpers/card-fixtures.js';
import { pcscUnavailable, startPcscStack } from '../../../helpers/pcsc-daemon.js';

ensurePki();
const MAIN = fromRoot('daemon', 'cli', 'main.ts');

function cli(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  // node --import tsx: one process per command (the tsx wrapper would add a second one).
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: fromRoot(), stdio: [stdin, 'pipe', 'pipe'] });
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
    // SIGTERM first, so a command can stop its reader cleanly.
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await stack.stop();
  });
  const watch = cli(['card', 'watch', '--read', '--reader', stack.readerName]);
  children.push(watch.child);
  await waitFor(() => watch.out().includes('"event":"reader"'), 20000, 'watch to see the reader');
  // One interactive virtual card process: a card in at start, then in and out on command.
  const count = (what: string) => watch.out().split(`"event":"${what}"`).length - 1;
  const lab = cli(['sim', 'card', '--interactive', '--profile', 'ito-sakura', '--port', String(stack.vpcdPort)], 'pipe');
  children.push(lab.child);
  await waitFor(() => count('certificate') === 1, 20000, 'watch to read the card');
  t.match(watch.out(), /"event":"inserted","kind":"mynumber","atr":"3be000ff8131fe4514"/);
  const read = cli(['card', 'read', '--json', '--reader', stack.readerName, '--wait', '20']);
  children.push(read.child);
  t.equal(await read.exited, 0, read.out());
  t.match(JSON.parse(read.out().trim().split('\n').at(-1)!), { keyBits: 2048, pinTriesLeft: 3 });
  lab.child.stdin?.write('remove\n');
  await waitFor(() => count('removed') === 1, 20000, 'remove on command');
  lab.child.stdin?.write('insert tanaka-yuki\n');
  await waitFor(() => count('certificate') === 2, 20000, 'insert on command');
  lab.child.stdin?.write('quit\n');
  t.equal(await lab.exited, 0, 'quit takes the card out and ends');
  await waitFor(() => count('removed') === 2, 20000, 'watch to see the last removal');
  watch.child.kill('SIGTERM');
  await watch.exited;
  t.ok(noIndividualNumber(watch.out() + read.out()));
});

t.test('sim card --interactive: no card until asked, a second insert refused, SIGTERM ends it', { skip: why ?? false }, async (t) => {
  const stack = await startPcscStack();
  const lab = cli(['sim', 'card', '--interactive', '--port', String(stack.vpcdPort)], 'pipe');
  t.teardown(async () => {
    if (lab.child.exitCode === null && lab.child.signalCode === null) lab.child.kill('SIGKILL');
    await stack.stop();
  });
  await waitFor(() => lab.out().includes('no card in the reader'), 20000, 'the start to say there is no card');
  t.notMatch(lab.out(), /card in:/, 'nothing inserted without being asked');
  lab.child.stdin?.write('insert ito-sakura\n');
  await waitFor(() => lab.out().includes('card in: ito-sakura'), 20000, 'the insert');
  lab.child.stdin?.write('insert tanaka-yuki\n');
  await waitFor(() => lab.out().includes('is already in the reader'), 20000, 'the second insert refused');
  t.match(lab.out(), /a card \(ito-sakura\) is already in the reader: type remove first/);
  t.notMatch(lab.out(), /card in: tanaka-yuki/);
  lab.child.kill('SIGTERM');
  const code = await Promise.race([lab.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
  t.equal(code, 0, 'SIGTERM takes the card out and ends the simulator');
});
