// Config errors name the key, the bad value and what is allowed; defaults fill in; relative
// paths resolve against the config file; the shipped configs are valid and the example current.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONFIG_FILE, loadConfig, parseConfig } from '../../../config/load.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { exampleConfig } from '../../../config/example.js';
import { fromRoot } from '../../../vocabulary/paths.js';

function problems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

t.test('an empty file is a complete config of defaults', async (t) => {
  const config = parseConfig('', 'empty.yaml', '/srv');
  t.equal(config.gatewayId, 'gw1');
  t.equal(config.card.driver, 'sim');
  t.equal(config.flow.faceTimeoutMs, 8000);
  t.equal(config.mqtt.allowPlaintextPatientData, false, 'plaintext to a remote broker is off by default');
});

t.test('a bad choice names the key, the value and the choices', async (t) => {
  t.same(problems('card:\n  driver: usb\n'), ['card.driver: "usb" is not valid; allowed: "sim", "pcsc"']);
});

t.test('a number out of range names the limit', async (t) => {
  const [line] = problems('flow:\n  faceTimeoutMs: 5\n');
  t.match(line, /^flow\.faceTimeoutMs: 5 is not valid; must be >= 100/);
});

t.test('a wrong type and an unknown key', async (t) => {
  t.match(problems('mqtt:\n  url: 5\n')[0], /^mqtt\.url: 5 is not valid; must be string/);
  t.match(problems('mqtt:\n  urll: mqtt://x\n')[0], /^mqtt\.urll: unknown key/);
});

t.test('every problem is reported, not just the first', async (t) => {
  t.equal(problems('gatewayId: "a b"\nlogLevel: loud\ncard:\n  driver: usb\n').length, 3);
});

t.test('YAML syntax errors and non-mappings', async (t) => {
  t.match(problems('a: [\n')[0], /^YAML syntax at line \d+/);
  t.same(problems('- 1\n'), ['the file must hold a YAML mapping of keys']);
});

t.test('a missing file says so', async (t) => {
  const error = (() => {
    try {
      loadConfig('/nonexistent/config.yaml');
    } catch (e) {
      return e;
    }
    return null;
  })();
  t.ok(error instanceof ConfigError);
  t.same((error as ConfigError).problems, ['cannot read the file (ENOENT)']);
});

t.test('relative paths resolve against the config file, absolute ones stay', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'dataDir: state\nmqtt:\n  ca: /etc/ssl/ca.pem\n  cert: certs/gw.pem\n');
  const config = loadConfig(file);
  t.equal(config.dataDir, join(dir, 'state'));
  t.equal(config.mqtt.ca, '/etc/ssl/ca.pem');
  t.equal(config.mqtt.cert, join(dir, 'certs/gw.pem'));
  t.equal(config.mqtt.key, '', 'an empty path stays empty');
});

t.test('the shipped demo and example configs are valid, and the example is current', async (t) => {
  t.ok(loadConfig(DEMO_CONFIG_FILE));
  t.ok(loadConfig(fromRoot('config/example.yaml')));
  t.equal(readFileSync(fromRoot('config/example.yaml'), 'utf8'), exampleConfig(), 'config/example.yaml = `oqsgw config example` (regenerate it)');
});

t.test('oqsgw config check: exit 0 for a good file, 2 with one line per problem for a bad one', async (t) => {
  const cli = (file: string) => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), 'config', 'check', file], { encoding: 'utf8' });
  const good = cli(DEMO_CONFIG_FILE);
  t.equal(good.status, 0, good.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-'));
  writeFileSync(join(dir, 'bad.yaml'), 'card:\n  driver: usb\nflow:\n  pinTimeoutMs: -1\n');
  const bad = cli(join(dir, 'bad.yaml'));
  t.equal(bad.status, 2);
  const lines = bad.stderr.trim().split('\n');
  t.equal(lines.length, 2);
  t.match(bad.stderr, /card\.driver: "usb" is not valid; allowed: "sim", "pcsc"/);
  t.match(bad.stderr, /flow\.pinTimeoutMs: -1 is not valid; must be >= 100/);
});

t.test('oqsgw start with a bad config starts nothing and exits 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-'));
  writeFileSync(join(dir, 'bad.yaml'), `dataDir: ${dir}/data\nmqtt:\n  embeddedPort: 99999\n`);
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), 'start', '--config', join(dir, 'bad.yaml')], { encoding: 'utf8', timeout: 30000 });
  t.equal(run.status, 2);
  t.match(run.stderr, /mqtt\.embeddedPort: 99999 is not valid/);
  t.match(run.stderr, /Nothing was started/);
});

t.test('a plaintext broker off this machine is refused unless allowed in so many words', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-'));
  writeFileSync(join(dir, 'remote.yaml'), `dataDir: ${dir}/data\nmqtt:\n  url: mqtt://192.0.2.10:1883\n`);
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), 'start', '--config', join(dir, 'remote.yaml')], { encoding: 'utf8', timeout: 30000 });
  t.equal(run.status, 2, run.stderr);
  t.match(run.stderr, /sends patient data in clear to another machine/);
});
