// Config files a new user writes, good and bad, for `config check` vs `start` (issue 17 item 3).
// Written into a scratch folder with the test PKI copied in, so file modes (a key readable by
// others) are what the fixture says — git does not keep modes.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { fromRoot } from '../../vocabulary/paths.js';

export interface ConfigFixture {
  readonly name: string;
  readonly file: string;
  /** What `start` must do: start, or refuse with a line naming this key. */
  readonly refusedKey: string | null;
}

const SIM = {
  card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
  face: { driver: 'sim', simDecisions: ['match'] },
  panel: { driver: 'sim' },
};

/** Every fixture, written under a fresh folder; each has its own dataDir. */
export function writeConfigFixtures(): { dir: string; fixtures: ConfigFixture[] } {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-config-fixtures-'));
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  const copy = (from: string, to: string, mode: number) => {
    copyFileSync(fromRoot('var/pki', from), join(pki, to));
    chmodSync(join(pki, to), mode);
    return join(pki, to);
  };
  const lineCa = copy('service/ca.pem', 'line-ca.pem', 0o644);
  const lineCert = copy('clinic/client.pem', 'line-client.pem', 0o644);
  const lineKey = copy('clinic/client.key', 'line-client.key', 0o600);
  const looseKey = copy('clinic/client.key', 'loose-client.key', 0o644);
  const mqttCa = copy('mqtt/ca.pem', 'mqtt-ca.pem', 0o644);
  const mqttCert = copy('mqtt/gateway.pem', 'mqtt-gateway.pem', 0o644);
  const mqttKey = copy('mqtt/gateway.key', 'mqtt-gateway.key', 0o600);
  const looseMqttKey = copy('mqtt/gateway.key', 'mqtt-loose.key', 0o644);
  const https = { driver: 'https', url: 'https://127.0.0.1:1', ca: lineCa, cert: lineCert, key: lineKey };
  const quietStatus = { enabled: true, host: '127.0.0.1', port: 0 };
  const table: [string, Record<string, unknown>, string | null][] = [
    ['loopback broker, sim line', { mqtt: { url: 'mqtt://127.0.0.1:1' } }, null],
    ['plain mqtt to another machine', { mqtt: { url: 'mqtt://192.0.2.10:1883' } }, 'mqtt.url'],
    ['plain mqtt to another machine, allowed in so many words', { mqtt: { url: 'mqtt://192.0.2.10:1883', allowPlaintextPatientData: true } }, null],
    ['mqtts with client certificate', { mqtt: { url: 'mqtts://127.0.0.1:1', ca: mqttCa, cert: mqttCert, key: mqttKey } }, null],
    ['mqtts with a key readable by others', { mqtt: { url: 'mqtts://127.0.0.1:1', ca: mqttCa, cert: mqttCert, key: looseMqttKey } }, 'mqtt.key'],
    ['mqtts with a missing CA file', { mqtt: { url: 'mqtts://127.0.0.1:1', ca: join(pki, 'nope.pem') } }, 'mqtt.ca'],
    ['status on 0.0.0.0 without a token', { mqtt: { url: 'mqtt://127.0.0.1:1' }, status: { ...quietStatus, host: '0.0.0.0' } }, 'status.host'],
    ['status on 0.0.0.0 with a token', { mqtt: { url: 'mqtt://127.0.0.1:1' }, status: { ...quietStatus, host: '0.0.0.0', token: 'a-token-of-24-characters' } }, null],
    ['https line', { mqtt: { url: 'mqtt://127.0.0.1:1' }, line: https }, null],
    ['https line, client key readable by others', { mqtt: { url: 'mqtt://127.0.0.1:1' }, line: { ...https, key: looseKey } }, 'line.key'],
    ['https line, certificate file missing', { mqtt: { url: 'mqtt://127.0.0.1:1' }, line: { ...https, cert: join(pki, 'missing.pem') } }, 'line.cert'],
  ];
  const fixtures = table.map(([name, body, refusedKey], index) => {
    const file = join(dir, `fixture-${index}.yaml`);
    writeFileSync(file, stringify({ version: 2, gatewayId: `fx${index}`, dataDir: join(dir, `data-${index}`), status: quietStatus, ...SIM, ...body }));
    return { name, file, refusedKey };
  });
  return { dir, fixtures };
}
