// Issue 17 item 10: a refused broker was logged as a warning every 2 s for as long as it lasted.
// The log backs off (1st, 2nd, 4th, 8th ... failure), each line with the count so far.
import { Writable } from 'node:stream';
import t from 'tap';
import { connectBroker } from '../../../../daemon/mqtt/connection.js';
import { createLogger } from '../../../../vocabulary/log.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

t.test('a refused broker: 5 failed attempts, 3 warnings (1, 2, 4)', async (t) => {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
  const port = await freePort();
  const client = connectBroker({
    urls: [`mqtt://127.0.0.1:${port}`], clientId: 'refused', protocolVersion: 5, will: { topic: 'x/status', payload: '{}' },
    config: { url: `mqtt://127.0.0.1:${port}`, urls: [], username: '', password: '', ca: '', cert: '', key: '', failbackSeconds: 0 } as never, logger,
    reconnectPeriodMs: 50, // the back-off is counted in attempts, not seconds: no need to wait 2 s each
  });
  t.teardown(() => client.end(true));
  let attempts = 0;
  client.on('error', () => attempts++);
  await waitFor('five refused attempts', () => attempts >= 5, 20000);
  const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string; failedAttempts?: number }).filter((l) => l.msg === 'broker error');
  t.same(warnings.map((w) => w.failedAttempts), [1, 2, 4]);
});
