// Issue 17 item 3: `oqsgw config check` and `oqsgw start` agree on every config fixture, because
// both run daemon/startup-checks.ts. Before, `config check` passed plaintext patient data to a
// remote broker, an open status endpoint, a key readable by others and a missing certificate.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../../../config/load.js';
import { checkConfigFile } from '../../../../daemon/cli/commands/config.js';
import { FEATURES } from '../../../../daemon/features.js';
import { Gateway } from '../../../../daemon/gateway.js';
import { BrokerConfigError } from '../../../../daemon/mqtt/connection.js';
import { ConfigError } from '../../../../vocabulary/config-error.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { writeConfigFixtures } from '../../../helpers/config-fixtures.js';

/** What `start` does with the file: the problems it refuses it with, or [] when it started. */
async function startOutcome(file: string): Promise<string[]> {
  let gateway: Gateway;
  try {
    gateway = await Gateway.start(loadConfig(file, () => {}), silentLogger, 'test', FEATURES);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    if (error instanceof BrokerConfigError) return [error.message];
    throw error;
  }
  await gateway.stop();
  return [];
}

t.test('config check and start agree on every fixture', async (t) => {
  const { dir, fixtures } = writeConfigFixtures();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const fixture of fixtures) {
    const checked = checkConfigFile(fixture.file);
    const refused = await startOutcome(fixture.file);
    if (fixture.refusedKey === null) {
      t.ok(checked.ok, `${fixture.name}: config check OK (${checked.err.join('; ')})`);
      t.same(refused, [], `${fixture.name}: start starts`);
    } else {
      t.notOk(checked.ok, `${fixture.name}: config check refuses it`);
      t.match(checked.err.join('\n'), fixture.refusedKey, `${fixture.name}: config check names ${fixture.refusedKey}`);
      t.ok(refused.some((p) => p.includes(fixture.refusedKey!)), `${fixture.name}: start refuses it naming ${fixture.refusedKey}`);
    }
  }
});

t.test('the CLI: exit 2 and the key named for a config start would refuse', async (t) => {
  const { dir, fixtures } = writeConfigFixtures();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const open = fixtures.find((f) => f.refusedKey === 'status.host')!;
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), ...args], { encoding: 'utf8', timeout: 30000 });
  const check = cli('config', 'check', open.file);
  t.equal(check.status, 2, check.stdout + check.stderr);
  t.match(check.stderr, /status\.host: "0\.0\.0\.0" is not loopback/);
  const start = await refusedStart(open.file, join(dir, 'modules.txt'));
  t.equal(start.code, 2, 'start refuses it with the same exit code');
  t.match(start.stderr, /config error: status\.host: "0\.0\.0\.0" is not loopback/);
  t.ok(start.afterMessageMs < 10_000, `and exits once it has said so (${start.afterMessageMs} ms later; a held timer or socket would keep it)`);
  // Issue 17 item 10: a refused start took up to 11 s on a busy box, loading the whole gateway
  // (MQTT, SQLite, serial, the drivers) before the checks that refuse it. It refuses first now.
  const heavy = ['mqtt', 'sqlite3', 'serialport', 'aedes', '@tensorflow/tfjs', '@u4/opencv4nodejs', 'onnxruntime-node'];
  t.same(start.modules.filter((m) => heavy.includes(m)), [], `nothing heavy loaded before refusing (loaded: ${start.modules.join(' ')})`);
});

/** `oqsgw start` on a config it refuses: exit code, stderr, the packages it imported, exit delay. */
function refusedStart(file: string, trace: string): Promise<{ code: number | string; stderr: string; modules: string[]; afterMessageMs: number }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', import.meta.resolve('../../../helpers/module-trace.ts'), fromRoot('daemon/cli/main.ts'), 'start', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, OQS_MODULE_TRACE: trace },
  });
  let stderr = '';
  let saidAt = 0;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!saidAt && stderr.includes('Nothing was started')) saidAt = Date.now();
  });
  // The generous bound: far beyond any load, short of the tap timeout, and a hang fails here.
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.once('exit', (code, signal) => {
    clearTimeout(kill);
    const modules = existsSync(trace) ? [...new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean))].sort() : [];
    resolve({ code: code ?? signal ?? -1, stderr, modules, afterMessageMs: saidAt ? Date.now() - saidAt : Number.POSITIVE_INFINITY });
  }));
}
