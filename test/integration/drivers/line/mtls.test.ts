// Mutual TLS: the service refuses a client without the clinic's certificate; the client refuses a
// server without the pinned CA or with the wrong host name; TLS below 1.2 is refused.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { codeOfRejection, startHarness } from '../../../helpers/line-harness.js';

const numberCheck = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

t.test('the right pair talks', async (t) => {
  const { client } = await startHarness(t);
  t.equal((await client.checkByNumber(numberCheck)).qualificationValidity, '1');
});

t.test('a client certificate from another CA is refused by the service', async (t) => {
  const { client, service } = await startHarness(t, { clientIdentity: 'rogue/client' });
  t.equal(await codeOfRejection(client.checkByNumber(numberCheck)), 'LINE_DOWN');
  t.equal(service.requests, 0, 'no request reached the service');
});

t.test('no client certificate at all is refused', async (t) => {
  const { dir, service } = await startHarness(t);
  const status = await new Promise<string>((resolve) => {
    const req = request({ host: 'localhost', port: service.port, path: '/v1/health', method: 'GET', ca: readFileSync(join(dir, 'service', 'ca.pem')) }, (res) => resolve(`HTTP ${res.statusCode}`));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
    req.end();
  });
  t.match(status, /^refused/);
  t.equal(service.requests, 0);
});

t.test('a server certificate from another CA is refused by the client', async (t) => {
  const dir = (await import('../../../helpers/line-harness.js')).pkiDir;
  const pki = await dir();
  const rogue = { cert: readFileSync(join(pki, 'rogue', 'server.pem')), key: readFileSync(join(pki, 'rogue', 'server.key')) };
  const { client, service } = await startHarness(t, { service: { serverCert: rogue } });
  await t.rejects(client.checkByNumber(numberCheck), { code: 'LINE_DOWN', message: /^TLS: / });
  t.equal(service.requests, 0);
});

t.test('the pinned CA replaces the system roots: a server of the clinic CA is refused too', async (t) => {
  const { client } = await startHarness(t, { pinnedCa: 'clinic/ca.pem' });
  t.equal(await codeOfRejection(client.checkByNumber(numberCheck)), 'LINE_DOWN');
});

t.test('the host name is checked', async (t) => {
  // The service certificate names localhost and 127.0.0.1; 127.0.0.2 is loopback but not named.
  const { client, service } = await startHarness(t, { service: { host: '127.0.0.2' }, host: '127.0.0.2' }).catch((error: unknown) => {
    t.comment(`skipped: cannot listen on 127.0.0.2: ${String(error)}`);
    return { client: null, service: null };
  });
  if (!client || !service) return;
  await t.rejects(client.checkByNumber(numberCheck), { code: 'LINE_DOWN', message: /ERR_TLS_CERT_ALTNAME_INVALID/ });
  t.equal(service.requests, 0);
});

t.test('TLS 1.1 is refused by the service', async (t) => {
  const { dir, service } = await startHarness(t);
  const outcome = await new Promise<string>((resolve) => {
    const req = request({
      host: 'localhost', port: service.port, path: '/v1/health', method: 'GET',
      ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')),
      minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0',
    }, (res) => resolve(`HTTP ${res.statusCode}`));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
    req.end();
  });
  t.match(outcome, /^refused/);
});
