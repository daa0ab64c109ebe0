// The layer rules in .dependency-cruiser.cjs (run on the real tree by `npm test`) must be able to
// fail: on a small tree that breaks each rule once, every rule reports its own name.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromRoot } from '../../../vocabulary/paths.js';

const BROKEN: Record<string, string> = {
  'vocabulary/words.ts': "import { core } from '../daemon/core.js';\nexport const words = core;\n",
  'drivers/card/card.ts': "import { core } from '../../daemon/core.js';\nimport { face } from '../face/face.js';\nexport const card = core + face;\n",
  'drivers/face/face.ts': "export const face = 1;\n",
  'daemon/core.ts': "import { cli } from './cli/main.js';\nexport const core = cli;\n",
  'daemon/cli/main.ts': "import { helper } from '../../test/helpers/h.js';\nexport const cli = helper;\n",
  'daemon/loop-a.ts': "import { b } from './loop-b.js';\nexport const a = b;\n",
  'daemon/loop-b.ts': "import { a } from './loop-a.js';\nexport const b = a;\n",
  'daemon/uses-test.ts': "import { helper } from '../test/helpers/h.js';\nexport const u = helper;\n",
  'test/helpers/h.ts': "export const helper = 1;\n",
};

function cruise(root: string): { status: number | null; out: string } {
  const bin = fromRoot('node_modules', '.bin', 'depcruise');
  const run = spawnSync(bin, ['vocabulary', 'drivers', 'daemon', '--config', fromRoot('.dependency-cruiser.cjs')], { cwd: root, encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

t.test('each layer rule fires on a tree that breaks it, naming the rule', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oqs-layers-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }));
  for (const [file, text] of Object.entries(BROKEN)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  const { status, out } = cruise(root);
  t.not(status, 0, 'the run fails');
  for (const rule of ['no-import-loops', 'vocabulary-imports-nothing-of-ours', 'drivers-stay-below-the-core', 'drivers-do-not-know-each-other', 'core-does-not-import-the-cli', 'production-does-not-import-tests']) {
    t.match(out, rule, `${rule} is reported`);
  }
});

t.test('a tree that keeps the layers passes', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oqs-layers-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  const files: Record<string, string> = {
    'vocabulary/words.ts': 'export const words = 1;\n',
    'drivers/card/card.ts': "import { words } from '../../vocabulary/words.js';\nexport const card = words;\n",
    'daemon/core.ts': "import { card } from '../drivers/card/card.js';\nexport const core = card;\n",
    'daemon/cli/main.ts': "import { core } from '../core.js';\nexport const cli = core;\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  const { status, out } = cruise(root);
  t.equal(status, 0, out);
});
