// The one MQTT client of the daemon: it owns the connection, reconnects, the Last Will, TLS and
// the refusal to send patient data in clear to a broker off this machine (invariant 5).
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../vocabulary/log.js';
import type { MqttConfig } from './config.js';

// The URL checks live apart (broker-url.ts) so `start` can refuse a config before loading mqtt.
export { BrokerConfigError, checkBrokerUrl, isLoopbackHost } from './broker-url.js';

export interface ConnectionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  readonly will: { readonly topic: string; readonly payload: string };
  readonly config: MqttConfig;
  readonly logger: Logger;
  /** Wait between reconnect attempts; mqtt.reconnectMilliseconds unless given. */
  readonly reconnectPeriodMs?: number;
}

export function connectBroker(options: ConnectionOptions): MqttClient {
  const { config } = options;
  const read = (file: string) => (file ? readFileSync(file) : undefined);
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    protocolVersion: options.protocolVersion,
    clean: false, // a persistent session: QoS 1 messages in flight survive a reconnect
    ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 7 * 24 * 3600 } } : {}),
    reconnectPeriod: options.reconnectPeriodMs ?? config.reconnectMilliseconds ?? 2000,
    connectTimeout: 10_000,
    keepalive: 30,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
    ...(config.username ? { username: config.username, password: config.password } : {}),
    ...(config.ca ? { ca: read(config.ca), rejectUnauthorized: true } : {}),
    ...(config.cert ? { cert: read(config.cert), key: read(config.key) } : {}),
  };
  const client = mqtt.connect(options.url, clientOptions);
  let wasConnected = false;
  let failures = 0;
  client.on('connect', () => {
    options.logger.info({ broker: redactUrl(options.url), ...(failures > 0 ? { failedAttempts: failures } : {}) }, 'broker connected');
    wasConnected = true;
    failures = 0;
  });
  client.on('close', () => {
    // Our own end() (a clean stop) closes the connection too: that is not a loss.
    if (wasConnected && client.disconnecting) options.logger.info({ broker: redactUrl(options.url) }, 'broker connection closed');
    else if (wasConnected) options.logger.warn({ broker: redactUrl(options.url) }, 'broker connection lost; reconnecting');
    wasConnected = false;
  });
  // A broker that refuses us is retried every reconnectPeriod; the log backs off (1st, 2nd, 4th,
  // 8th ... failure) so a long outage is a handful of lines, each with the count so far.
  client.on('error', (error) => {
    failures += 1;
    if ((failures & (failures - 1)) === 0) options.logger.warn({ err: error.message, failedAttempts: failures }, 'broker error');
  });
  return client;
}

export function publishAsync(client: MqttClient, topic: string, payload: string, options: IClientPublishOptions): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, options, (error) => (error ? reject(error) : resolve())));
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
