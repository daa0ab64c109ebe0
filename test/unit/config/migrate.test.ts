// A technician's config from an older gateway still loads after an upgrade, with one note per
// change; a file from a newer gateway is refused with a clear reason; a current file is silent.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../config/load.js';
import { migrateConfig } from '../../../config/migrate.js';
import { CONFIG_VERSION } from '../../../config/schema.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { fromRoot } from '../../../vocabulary/paths.js';

const V1 = `
gatewayId: old
mqtt:
  url: mqtts://broker.clinic:8883
  ehr:
    maxBatchPatients: 200
    recheckIntervalSeconds: 60
demo:
  intervalSeconds: 5
`;

t.test('a version-1 file: mqtt.ehr becomes ehr, demo goes, each change is said once', async (t) => {
  const notes: string[] = [];
  const config = parseConfig(V1, 'old.yaml', '/etc', (note) => notes.push(note));
  t.equal(config.version, CONFIG_VERSION);
  t.equal(config.ehr.maxBatchPatients, 200, 'the EHR options kept their values');
  t.equal(config.ehr.recheckIntervalSeconds, 60);
  t.equal(config.mqtt.url, 'mqtts://broker.clinic:8883');
  t.notOk('ehr' in config.mqtt, 'nothing left under mqtt');
  t.notOk('demo' in config, 'the dead key is gone');
  t.equal(notes.length, 3);
  t.match(notes[0], /mqtt\.ehr moved to the top-level key ehr/);
  t.match(notes[1], /demo\.intervalSeconds removed/);
  t.match(notes[2], /add "version: 2"/);
});

t.test('a file that uses no moved key loads without a word, with or without version', async (t) => {
  for (const text of ['gatewayId: quiet\n', `version: ${CONFIG_VERSION}\ngatewayId: quiet\n`, '']) {
    const notes: string[] = [];
    parseConfig(text, 'quiet.yaml', '/etc', (note) => notes.push(note));
    t.same(notes, [], JSON.stringify(text));
  }
});

t.test('the migration does not change the caller\'s object', async (t) => {
  const input = { mqtt: { ehr: { requests: false } } };
  const { data } = migrateConfig(input);
  t.same(input, { mqtt: { ehr: { requests: false } } });
  t.same(data.ehr, { requests: false });
});

t.test('a newer or nonsense version is refused naming the key', async (t) => {
  const problems = (text: string) => {
    try {
      parseConfig(text, 'v.yaml', '/etc', () => {});
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };
  t.match(problems(`version: ${CONFIG_VERSION + 1}\n`)[0], /^version: 3 is newer than this gateway understands/);
  t.match(problems('version: two\n')[0], /^version: "two" is not valid/);
  t.match(problems('version: 0\n')[0], /^version: 0 is not valid/);
});

t.test('both ehr and mqtt.ehr: the top-level section wins and the old one is dropped', async (t) => {
  const notes: string[] = [];
  const config = parseConfig('ehr:\n  maxBatchPatients: 300\nmqtt:\n  ehr:\n    maxBatchPatients: 50\n', 'both.yaml', '/etc', (n) => notes.push(n));
  t.equal(config.ehr.maxBatchPatients, 300);
  t.match(notes[0], /mqtt\.ehr moved/);
});

t.test('oqsgw config check on an old file: OK, with each change as a note line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'old.yaml'), V1);
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), 'config', 'check', join(dir, 'old.yaml')], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  t.equal(lines.filter((l) => l.includes(': note: ')).length, 3);
  t.match(lines.at(-1), /old\.yaml: OK \(an older layout/);
});
