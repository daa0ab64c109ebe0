import t from 'tap';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../../../config/load.js';
import { ConfigError } from '../../../../vocabulary/config-error.js';
import { createEligibilityClient } from '../../../../drivers/line/index.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { ensureTestPki } from '../../../../drivers/line/sim/service/test-pki.js';

t.test('the client refuses a key readable by others, naming the file and the fix', async (t) => {
  const pki = await ensureTestPki();
  const dir = t.testdir({});
  const key = join(dir, 'client.key');
  copyFileSync(join(pki, 'clinic', 'client.key'), key);
  const line = (keyFile: string) => validateConfig({
    line: { driver: 'https', url: 'https://localhost:1', ca: join(pki, 'service', 'ca.pem'), cert: join(pki, 'clinic', 'client.pem'), key: keyFile },
  }).line;

  for (const mode of [0o644, 0o640, 0o604]) {
    chmodSync(key, mode);
    const error = t.throws(() => createEligibilityClient(line(key), silentLogger)) as unknown;
    t.ok(error instanceof ConfigError, `mode ${mode.toString(8)} refused`);
    const message = (error as Error).message;
    t.match(message, key, 'names the file');
    t.match(message, `chmod 600 ${key}`, 'says the fix');
    t.match(message, 'line.key');
  }
  chmodSync(key, 0o600);
  const client = createEligibilityClient(line(key), silentLogger);
  t.equal(client.health().breaker, 'closed', 'mode 0600 is accepted');
  chmodSync(key, 0o400);
  t.doesNotThrow(() => createEligibilityClient(line(key), silentLogger), 'mode 0400 is accepted');

  t.throws(() => createEligibilityClient(line(join(dir, 'missing.key')), silentLogger), ConfigError, 'a missing key is a config error');
});

t.test('https needs a URL and all three files', async (t) => {
  t.throws(() => createEligibilityClient(validateConfig({ line: { driver: 'https' } }).line, silentLogger), { name: 'ConfigError', message: /line\.url/ });
  t.throws(() => createEligibilityClient(validateConfig({ line: { driver: 'https', url: 'https://x:1' } }).line, silentLogger), { name: 'ConfigError', message: /line\.ca/ });
});
