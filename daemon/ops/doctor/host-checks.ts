// Doctor checks of the broker (a publish/subscribe round trip), the disk and the clock.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import type { GatewayConfig } from '../../../config/schema.js';
import { brokerNode, brokerUrls, checkBrokerUrls } from '../../mqtt/broker-url.js';
import { topicsFor } from '../../mqtt/topics.js';
import { dataDirRefusal, looseDataFiles } from '../../store/file-modes.js';
import { clockSync, diskFigures, type ClockSync } from '../host.js';
import { clockWarnings, diskWarning } from '../warnings.js';
import { errorText, fail, ok, warn, type CheckResult } from './result.js';

export async function checkBroker(config: GatewayConfig, timeoutMs = 5000): Promise<CheckResult> {
  const urls = brokerUrls(config.mqtt);
  if (urls.length === 0) return warn('broker', 'no mqtt.url: the embedded demo broker would be used', "set mqtt.url to the clinic's broker (mqtts://host:8883)");
  try {
    checkBrokerUrls(config.mqtt);
  } catch (error) {
    return fail('broker', errorText(error), `fix ${config.mqtt.urls.length > 0 ? 'mqtt.urls' : 'mqtt.url'} as the message says`);
  }
  if (urls.length === 1) return checkBrokerNode(config, urls[0]!, timeoutMs);
  // Several nodes (mqtt.urls): each is probed; one down is a warning while another works (the
  // gateway fails over), all down a failure.
  const results = await Promise.all(urls.map((url) => checkBrokerNode(config, url, timeoutMs)));
  const detail = results.map((r, i) => `node ${i + 1} ${r.level === 'OK' ? 'OK' : r.level}: ${r.detail}`).join('; ');
  const down = results.filter((r) => r.level !== 'OK');
  if (down.length === 0) return ok('broker', detail);
  return (down.length === results.length ? fail : warn)('broker', detail, down[0]!.fix ?? 'check the broker nodes');
}

async function checkBrokerNode(config: GatewayConfig, url: string, timeoutMs: number): Promise<CheckResult> {
  const read = (file: string) => (file ? readFileSync(file) : undefined);
  let options: IClientOptions;
  try {
    options = {
      clientId: `oqsgw-doctor-${randomUUID().slice(0, 8)}`, clean: true, reconnectPeriod: 0, connectTimeout: timeoutMs, protocolVersion: 5,
      ...(config.mqtt.username ? { username: config.mqtt.username, password: config.mqtt.password } : {}),
      ...(config.mqtt.ca ? { ca: read(config.mqtt.ca), rejectUnauthorized: true } : {}),
      ...(config.mqtt.cert ? { cert: read(config.mqtt.cert), key: read(config.mqtt.key) } : {}),
    };
  } catch (error) {
    return fail('broker', `cannot read the broker TLS files: ${errorText(error)}`, 'check mqtt.ca / mqtt.cert / mqtt.key');
  }
  // What `start` needs of the broker, asked the way the shipped ACL (systemd/mosquitto/) allows
  // the gateway: read the request topics, write under <base>/replies/. The probe is a documented
  // JSON payload (schemas/doctor.v1.schema.json) on <base>/replies/oqsgw-doctor, which no EHR
  // reads (each reads only replies/<its name>/). MQTT 5 says in the SUBACK and PUBACK reason codes
  // whether the ACL allowed it; a round trip would need a topic the gateway both reads and writes,
  // which the ACL rightly has none of.
  const topics = topicsFor(config.mqtt.baseTopic, config.gatewayId);
  const requestTopics = [`${topics.base}/inquiries`, `${topics.base}/batches`, `${topics.base}/patients/link`];
  const probeTopic = `${topics.base}/replies/oqsgw-doctor`;
  const probe = { schema: 'oqs.doctor.v1', gatewayId: config.gatewayId, time: new Date().toISOString(), probeId: randomUUID() };
  const client = mqtt.connect(url, options);
  client.on('error', () => {}); // reported through the promise below
  const started = Date.now();
  let step = 'connect';
  try {
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms (${step})`)), timeoutMs);
      client.once('error', (e) => { clearTimeout(timer); rej(e); });
      client.once('connect', () => {
        step = 'subscribe';
        client.subscribeAsync(requestTopics, { qos: 1 })
          .then((granted) => {
            const refused = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
            if (refused.length > 0) throw new Error(`the broker refused the subscription to ${refused.join(', ')} (not authorized?)`);
            step = 'publish';
            return client.publishAsync(probeTopic, JSON.stringify(probe), { qos: 1, properties: { contentType: 'application/json' } });
          })
          .then(() => { clearTimeout(timer); res(); })
          .catch((e: unknown) => { clearTimeout(timer); rej(e instanceof Error ? e : new Error(String(e))); });
      });
    });
    return ok('broker', `${brokerNode(url)}: connected, request topics subscribed, a probe published on ${probeTopic} (${Date.now() - started} ms)`);
  } catch (error) {
    const text = errorText(error);
    const acl = /not authori[sz]ed|refused the subscription/i.test(text);
    return fail('broker', `${brokerNode(url)}: ${step}: ${text}`, acl
      ? `the broker's ACL does not let this user act as the gateway: it must read ${requestTopics.join(', ')} and write ${topics.base}/replies/# (systemd/mosquitto/oqs-gateway.acl)`
      : 'check the broker runs (systemctl status mosquitto), mqtt.url, credentials and ACLs');
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/** The nearest existing directory at or above `path` (dataDir may not exist before the first start). */
function existingDir(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function checkDisk(config: GatewayConfig): CheckResult {
  const dataDir = resolve(config.dataDir);
  const disk = diskFigures(existingDir(dataDir));
  if (!disk) return fail('disk', `cannot read the file system of ${dataDir}`, 'check dataDir in the config');
  if (existsSync(dataDir)) {
    const probe = join(dataDir, `.doctor-${process.pid}`);
    try {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(probe, 'x');
      rmSync(probe);
    } catch (error) {
      return fail('disk', `${dataDir} is not writable: ${errorText(error)}`, 'run doctor as the oqs-gateway user; the service owns /var/lib/oqs-gateway');
    }
  }
  const low = diskWarning(disk, config.ops);
  const figures = `${Math.floor(disk.freeBytes / 1048576)} MiB (${disk.freePercent}%) free for ${dataDir}`;
  if (low && disk.freeBytes < 50 * 1048576) return fail('disk', figures, low.action);
  // The database holds patient data: a folder or file others may read is worth a look.
  const refused = dataDirRefusal(dataDir);
  if (refused) return fail('disk', refused, 'point dataDir at a folder of its own (the service uses /var/lib/oqs-gateway, mode 0700)');
  const loose = looseDataFiles(dataDir, join(dataDir, 'gateway.sqlite'));
  if (loose.length > 0) {
    return warn('disk', `${figures}; patient data open to group or others: ${loose.join(', ')}`, `chmod 700 ${dataDir} && chmod 600 ${join(dataDir, 'gateway.sqlite')}* (oqsgw start also tightens them)`);
  }
  return low ? warn('disk', figures, low.action) : ok('disk', figures);
}

export async function checkClock(config: GatewayConfig, skewSeconds: number | null, sync?: ClockSync): Promise<CheckResult> {
  const state = sync ?? (await clockSync()).sync;
  const problems = clockWarnings(state, skewSeconds, config.ops.clockSkewWarnSeconds);
  const skew = skewSeconds === null ? 'not measured (line unreachable)' : `${Math.abs(Math.round(skewSeconds))} s from the eligibility service`;
  if (problems.length > 0) return warn('clock', `${problems.map((p) => p.message).join('; ')} (NTP: ${state})`, problems[0]!.action);
  if (state === 'unknown' && skewSeconds === null) return warn('clock', 'cannot tell whether the clock is right (no time service answered, line unreachable)', 'enable NTP: timedatectl set-ntp true (or install chrony)');
  return ok('clock', `NTP ${state}; clock ${skew}`);
}
