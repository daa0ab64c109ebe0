// Invariant 4 for the card front (issue 13): nothing from the front (picture, fields, key) is
// written to disk or logged. A child process reads a generated front with the real reader and a
// debug logger, in a fresh working directory, HOME and TMPDIR; afterwards those hold no file,
// and nothing the child wrote to its log (stderr) holds the key or any of its parts.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../../../vocabulary/paths.js';

t.test('a front read leaves no file and no key in the log', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'oqs-front-trace-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const dirs = { cwd: join(scratch, 'cwd'), home: join(scratch, 'home'), tmp: join(scratch, 'tmp') };
  const made = Object.fromEntries(Object.entries(dirs).map(([k, d]) => [k, mkdtempSync(`${d}-`)])) as Record<keyof typeof dirs, string>;
  // tsx's own compile cache would land in TMPDIR: --no-cache.
  const child = spawnSync(fromRoot('node_modules', '.bin', 'tsx'), ['--no-cache', fromRoot('test', 'helpers', 'front-no-trace-child.ts')], {
    cwd: made.cwd,
    env: { ...process.env, HOME: made.home, TMPDIR: made.tmp, NODE_PATH: fromRoot('node_modules') },
    encoding: 'utf8',
    timeout: 110_000,
  });
  t.equal(child.status, 0, child.stderr.slice(-500));
  const verdict = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { right: boolean; truth: string; code: string };
  t.equal(verdict.right, true, 'the reader did read the key (else this test proves nothing)');
  // tsx (the test runner's TypeScript loader, not the daemon) keeps its IPC pipe in TMPDIR/tsx-<uid>.
  const ours = (dir: string): string[] => readdirSync(dir).filter((f) => !/^tsx-\d+$/.test(f));
  for (const [name, dir] of Object.entries(made)) t.same(ours(dir), [], `nothing written in ${name}`);
  const log = child.stderr;
  t.match(log, /card front done/, 'the log was written');
  t.notOk(log.includes(verdict.truth), 'the key is not in the log');
  t.notOk(log.includes(verdict.truth.slice(0, 6)), 'nor the era birth date');
  t.notOk(log.includes(`${verdict.truth.slice(6, 10)}${verdict.code}`), 'nor the expiry year with the code');
  t.match(log, /\[照合番号B\]/, 'the key logs as its placeholder');
});
