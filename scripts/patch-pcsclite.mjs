#!/usr/bin/env node
// npm postinstall: applies scripts/patches/ (patch-package) and rebuilds @pokusew/pcsclite when
// its C++ source changed. The patch fixes two races in the package's close(): a cancel sent before
// the status thread waits is lost, so close() could block the event loop for ever, and a thread
// that stops at its loop check never closes its async handle, so the process could never exit
// (seen as a hung test in CI; reproduced by opening and closing a reader 200 times).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dir = join(root, 'node_modules', '@pokusew', 'pcsclite');
if (!existsSync(dir)) process.exit(0);

const applied = spawnSync(process.execPath, [require.resolve('patch-package/dist/index.js'), '--patch-dir', 'scripts/patches', '--error-on-fail'], {
  cwd: root,
  stdio: 'inherit',
});
if (applied.status !== 0) process.exit(applied.status ?? 1);

const sources = ['cardreader.cpp', 'pcsclite.cpp'].map((f) => join(dir, 'src', f));
if (!sources.every((f) => readFileSync(f, 'utf8').includes('oqs-gateway patch'))) {
  console.error('pcsclite: the patch is not in the source after patch-package ran');
  process.exit(1);
}
const binary = join(dir, 'build', 'Release', 'pcsclite.node');
const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
if (sources.every((f) => statSync(f).mtimeMs <= built)) process.exit(0);

const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir] });
const args = [gyp, 'rebuild'];
// No internet: use the installed Node headers rather than downloading them.
const nodedir = process.env.npm_config_nodedir || (existsSync('/usr/include/node/node.h') ? '/usr' : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);
console.log('pcsclite: rebuilding with the close() fix ...');
const result = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
process.exit(result.status ?? 1);
