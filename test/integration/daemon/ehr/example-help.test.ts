// Issue 17 item 11: `npx tsx examples/ehr-client.ts --help` crashed with
// ERR_PARSE_ARGS_UNKNOWN_OPTION. It prints the usage; an unknown option is a one-line error, exit 2.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { fromRoot } from '../../../../vocabulary/paths.js';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('examples/ehr-client.ts'), ...args], { encoding: 'utf8', timeout: 30000 });

t.test('--help prints the usage and exits 0', async (t) => {
  const help = run('--help');
  t.equal(help.status, 0, help.stderr);
  t.match(help.stdout, /usage: .*ehr-client\.ts/i);
  for (const option of ['--url', '--gateway', '--inquire', '--batch', '--link', '--v311', '--share']) t.match(help.stdout, option);
  t.notMatch(help.stderr, /ERR_PARSE_ARGS/);
});

t.test('an unknown option: one line naming it, exit 2', async (t) => {
  const bad = run('--bogus');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--bogus/);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
