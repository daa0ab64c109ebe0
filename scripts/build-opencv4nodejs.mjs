#!/usr/bin/env node
// npm postinstall: builds @u4/opencv4nodejs (the face driver's OpenCV bindings) against the
// system OpenCV from Debian (scripts/apt-packages/face.txt). The package's own install step is
// denied in package.json's allowScripts because it reads its settings from its own directory and
// so always tries to download and compile OpenCV from source, which cannot work offline; here we
// run the same node-gyp build with auto-build disabled. Skips quickly when already built.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// The package's "exports" hides its package.json: resolve its entry point and walk up.
let dir;
try {
  dir = dirname(require.resolve('@u4/opencv4nodejs'));
} catch {
  console.warn('opencv4nodejs: the package is not installed; nothing to build');
  process.exit(0);
}
while (!existsSync(join(dir, 'binding.gyp')) && dirname(dir) !== dir) dir = dirname(dir);
if (existsSync(join(dir, 'build', 'Release', 'opencv4nodejs.node'))) process.exit(0);
if (!existsSync('/usr/include/opencv4/opencv2/core.hpp')) {
  console.warn('opencv4nodejs: OpenCV headers not found; install scripts/apt-packages/face.txt (apt) and run npm rebuild. The camera face driver is unavailable until then.');
  process.exit(0);
}
const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir] });
const args = [gyp, 'rebuild'];
// No internet: use the installed Node headers rather than downloading them.
const nodedir = process.env.npm_config_nodedir || (existsSync('/usr/include/node/node.h') ? '/usr' : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);
console.log('opencv4nodejs: building against the system OpenCV (a few minutes) ...');
const result = spawnSync(process.execPath, args, {
  cwd: dir,
  stdio: 'inherit',
  env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1', JOBS: process.env.JOBS || '2' },
});
process.exit(result.status ?? 1);
