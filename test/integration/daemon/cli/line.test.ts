// `oqsgw sim eligibility` as a vendor would run it: prints where it listens and how to connect,
// answers over mutual TLS with its faults, and stops cleanly on SIGTERM. (A bad --faults spec is covered by line-rules: the CLI start-up costs ~8 s.)
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../../../drivers/line/https-client.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { codeOfRejection, pkiDir } from '../../../helpers/line-harness.js';

t.test('sim eligibility runs, answers, injects faults and stops', async (t) => {
  const dir = await pkiDir();
  const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('daemon', 'cli', 'main.ts'), 'sim', 'eligibility', '--port', '0', '--faults', 'invalid:0', '--households', '10', '--log-level', 'warn'], {
    cwd: fromRoot(), stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /eligibility service on (https:\/\/localhost:\d+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${stderr}`)));
  });
  t.match(stderr, /client: cert .*clinic\/client\.pem key .*clinic\/client\.key ca .*service\/ca\.pem/);
  const client = new HttpsEligibilityClient({
    url,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
    timeoutMs: 5000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 10, breakerThreshold: 10, breakerCooldownMs: 1000, batchChunk: 100, batchConcurrency: 1,
  }, silentLogger);
  await client.start();
  t.teardown(() => client.stop());
  const result = await client.checkByNumber({ insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' });
  t.equal(result.results[0]?.name, '山田　太郎');
  await client.stop();
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 0, 'clean exit on SIGTERM');
  t.equal(await codeOfRejection(client.checkByNumber({ insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' })), 'LINE_DOWN');
});

