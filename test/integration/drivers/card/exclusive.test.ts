// Two programs on the same reader cannot interleave inside one of our operations (issue 12 item 4).
// A foreign program keeps selecting the card-surface AP in shared mode. The control shows the hazard
// is real on this rig: a shared-mode SELECT..READ loop gets wrong answers. Our driver, which holds
// the card exclusively for each operation, reads the right certificate every time.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { VpcdHost } from '../../../../drivers/card/sim/vpcd-host.js';
import { virtualCard } from '../../../helpers/card-fixtures.js';
import { pcscUnavailable, startPcscStack } from '../../../helpers/pcsc-daemon.js';

function worker(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('test', 'helpers', 'pcsc-worker.ts'), ...args], { cwd: fromRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (!line) return reject(new Error(`worker ${args[0]} exited ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

const why = pcscUnavailable();
if (why) {
  t.plan(0, `skipped: ${why}`);
} else {
  t.test('two programs, one reader', async (t) => {
    const stack = await startPcscStack();
    t.teardown(() => stack.stop());
    const card = virtualCard('sato-hanako');
    const host = new VpcdHost(card, { port: stack.vpcdPort });
    await host.insert();
    t.teardown(() => host.remove());
    const der = card.process(Buffer.from('00a4040c0ad392f000260100000001', 'hex')) && (() => {
      card.process(Buffer.from('00a4020c02000a', 'hex'));
      const parts: Buffer[] = [];
      for (let off = 0; ; off += 256) {
        const r = card.process(Buffer.from([0, 0xb0, off >> 8, off & 0xff, 0]));
        parts.push(r.subarray(0, r.length - 2));
        if (r.length - 2 < 256) break;
      }
      card.reset();
      return Buffer.concat(parts);
    })();
    const expected = createHash('sha256').update(der).digest('hex');

    // Control: without exclusive access, another program's SELECTs land between SELECT and READ.
    const [control, foreign1] = await Promise.all([
      worker(['raw-cert', stack.readerName, '4000']),
      worker(['raw-select', stack.readerName, '4000']),
    ]);
    t.ok((foreign1.done as number) > 0, `the foreign program ran (${JSON.stringify(foreign1)})`);
    t.ok((control.wrong as number) > 0, `shared access interleaves: ${JSON.stringify(control)}`);

    const [ours, foreign2] = await Promise.all([
      worker(['driver-cert', stack.readerName, '10000', expected]),
      worker(['raw-select', stack.readerName, '10000']),
    ]);
    // Whether pcscd answers the foreign program's connect with a refusal or makes it wait depends on
    // timing; either way it tried while we read, and none of our reads saw its SELECTs.
    t.ok((foreign2.done as number) + (foreign2.refused as number) > 0, `the foreign program tried while we read (${JSON.stringify(foreign2)})`);
    t.ok((ours.ok as number) >= 3, `our reads: ${JSON.stringify(ours)}`);
    t.same(ours.errors, [], 'every certificate read by our driver was whole and right');
    t.same(card.forbiddenSelects, []);
  });
}
