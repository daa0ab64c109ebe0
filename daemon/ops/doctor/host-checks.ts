// Doctor checks of the broker (a publish/subscribe round trip), the disk and the clock.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import type { GatewayConfig } from '../../../config/schema.js';
import { checkBrokerUrl } from '../../mqtt/connection.js';
import { topicsFor } from '../../mqtt/topics.js';
import { clockSync, diskFigures, type ClockSync } from '../host.js';
import { clockWarnings, diskWarning } from '../warnings.js';
import { errorText, fail, ok, warn, type CheckResult } from './result.js';

export async function checkBroker(config: GatewayConfig, timeoutMs = 5000): Promise<CheckResult> {
  if (!config.mqtt.url) return warn('broker', 'no mqtt.url: the embedded demo broker would be used', "set mqtt.url to the clinic's broker (mqtts://host:8883)");
  try {
    checkBrokerUrl(config.mqtt);
  } catch (error) {
    return fail('broker', errorText(error), 'fix mqtt.url as the message says');
  }
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
  // A topic of our own under the base topic: the broker's ACL must allow the gateway to use it.
  const topic = `${topicsFor(config.mqtt.baseTopic, config.gatewayId).base}/doctor/${randomUUID()}`;
  const client = mqtt.connect(config.mqtt.url, options);
  client.on('error', () => {}); // reported through the promise below
  try {
    const started = Date.now();
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no round trip within ${timeoutMs} ms`)), timeoutMs);
      client.once('error', (e) => { clearTimeout(timer); rej(e); });
      client.on('message', (t) => { if (t === topic) { clearTimeout(timer); res(); } });
      client.once('connect', () => {
        client.subscribeAsync(topic, { qos: 1 })
          .then((granted) => {
            if (granted.some((g) => g.qos === 128)) throw new Error('subscription refused (ACL?)');
            return client.publishAsync(topic, 'doctor', { qos: 1 });
          })
          .catch((e: unknown) => { clearTimeout(timer); rej(e instanceof Error ? e : new Error(String(e))); });
      });
    });
    return ok('broker', `publish/subscribe round trip via ${new URL(config.mqtt.url).host} in ${Date.now() - started} ms`);
  } catch (error) {
    return fail('broker', `${new URL(config.mqtt.url).host}: ${errorText(error)}`, 'check the broker runs (systemctl status mosquitto), mqtt.url, credentials and ACLs');
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
