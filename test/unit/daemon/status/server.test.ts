// The status endpoint's HTTP rules: loopback by default, a bearer token required elsewhere (and
// checked), GET only, unknown paths 404, a failing route 500 without details.
import t, { type Test } from 'tap';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../../../vocabulary/config-error.js';
import { StatusConfigSchema, type StatusConfig } from '../../../../daemon/status/config.js';
import { StatusServer, checkStatusConfig, isLoopback, type Routes } from '../../../../daemon/status/server.js';

const config = (over: Partial<StatusConfig>): StatusConfig => ({ ...(Value.Default(StatusConfigSchema, {}) as StatusConfig), port: 0, ...over });
const routes: Routes = {
  healthz: async () => ({ status: 200, body: { ok: true } }),
  readyz: async () => ({ status: 503, body: { ready: false, reasons: ['card: no reader'] } }),
  status: async () => { throw new Error('boom: secret detail'); },
  metrics: async () => ({ status: 200, text: 'oqsgw_up 1\n', contentType: 'text/plain; version=0.0.4; charset=utf-8' }),
};

async function serve(t: Test, c: StatusConfig) {
  const errors: unknown[] = [];
  const server = new StatusServer(c, routes, (e) => errors.push(e));
  await server.start();
  t.teardown(() => server.stop());
  return { base: `http://127.0.0.1:${server.port}`, errors };
}

t.test('defaults: loopback, port 9464, no token', async (t) => {
  const c = Value.Default(StatusConfigSchema, {}) as StatusConfig;
  t.equal(c.host, '127.0.0.1');
  t.equal(c.port, 9464);
  t.equal(c.token, '');
  t.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  t.notOk(isLoopback('0.0.0.0') || isLoopback('192.168.1.10') || isLoopback('::'));
});

t.test('an address other than loopback needs a token of 16+ characters', async (t) => {
  t.throws(() => checkStatusConfig(config({ host: '0.0.0.0' })), ConfigError);
  t.throws(() => checkStatusConfig(config({ host: '0.0.0.0', token: 'short' })), /16 characters/);
  t.doesNotThrow(() => checkStatusConfig(config({ host: '0.0.0.0', token: 'a'.repeat(24) })));
  const server = new StatusServer(config({ host: '0.0.0.0' }), routes, () => {});
  await t.rejects(server.start(), /status\.token is required/);
});

t.test('without a token: paths, codes and content types', async (t) => {
  const { base, errors } = await serve(t, config({}));
  const healthz = await fetch(`${base}/healthz`);
  t.equal(healthz.status, 200);
  t.match(healthz.headers.get('content-type'), /application\/json/);
  t.same(await healthz.json(), { ok: true });
  t.equal((await fetch(`${base}/readyz`)).status, 503);
  const metrics = await fetch(`${base}/metrics`);
  t.match(metrics.headers.get('content-type'), /text\/plain/);
  t.equal(await metrics.text(), 'oqsgw_up 1\n');
  t.equal((await fetch(`${base}/nope`)).status, 404);
  t.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 405);
  const failed = await fetch(`${base}/status`);
  t.equal(failed.status, 500);
  t.notMatch(await failed.text(), /secret detail/, 'the error stays in the logs');
  t.equal(errors.length, 1);
});

t.test('with a token: 401 without it or with a wrong one, 200 with it', async (t) => {
  const token = 'b'.repeat(32);
  const { base } = await serve(t, config({ token }));
  const none = await fetch(`${base}/healthz`);
  t.equal(none.status, 401);
  t.equal(none.headers.get('www-authenticate'), 'Bearer');
  t.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${'c'.repeat(32)}` } })).status, 401);
  t.equal((await fetch(`${base}/healthz`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
});
