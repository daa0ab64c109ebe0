// Issue 17 item 3: `oqsgw config check` and `oqsgw start` agree on every config fixture, because
// both run daemon/startup-checks.ts. Before, `config check` passed plaintext patient data to a
// remote broker, an open status endpoint, a key readable by others and a missing certificate.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
  const start = cli('start', '--config', open.file);
  t.equal(start.status, 2, 'start refuses it with the same exit code');
  t.match(start.stderr, /config error: status\.host: "0\.0\.0\.0" is not loopback/);
});
