// The broker URL a config may name: a URL, a supported scheme, and no patient data in clear to
// another machine without consent in config (invariant 5). Apart from connection.ts, which loads
// the MQTT library, so the startup checks (startup-checks.ts) stay cheap to load and a refused
// start exits at once.
import { isIP } from 'node:net';
import type { MqttConfig } from './config.js';

export class BrokerConfigError extends Error {}

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(bare.toLowerCase())) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/** The broker nodes a config names, in order of preference: mqtt.urls, or mqtt.url alone; empty = the demo's embedded broker. */
export function brokerUrls(config: Pick<MqttConfig, 'url' | 'urls'>): string[] {
  return config.urls.length > 0 ? [...config.urls] : config.url ? [config.url] : [];
}

/** host:port of a broker URL, for logs and status (a URL may carry credentials). */
export function brokerNode(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || { 'mqtt:': '1883', 'mqtts:': '8883', 'ws:': '80', 'wss:': '443' }[u.protocol] || '';
    return `${u.hostname}:${port}`;
  } catch {
    return '(invalid url)';
  }
}

/** Throws when the URL would carry patient data in clear off this machine without consent in config. */
export function checkBrokerUrl(config: MqttConfig): URL {
  return checkOne(config, config.url, 'mqtt.url');
}

/** Every node of mqtt.urls (or mqtt.url) through the same checks; both set at once is refused. */
export function checkBrokerUrls(config: MqttConfig): URL[] {
  if (config.url && config.urls.length > 0) {
    throw new BrokerConfigError('mqtt.url and mqtt.urls are both set; keep one: mqtt.urls (the nodes in order) or mqtt.url (one broker)');
  }
  if (config.urls.length === 0) return config.url ? [checkBrokerUrl(config)] : [];
  const urls = config.urls.map((url, i) => checkOne(config, url, `mqtt.urls[${i}]`));
  urls.forEach((url, i) => {
    // One user name and password (mqtt.username/password) for every node: mqtt.js would take the first URL's for all.
    if (url.username || url.password) throw new BrokerConfigError(`mqtt.urls[${i}]: credentials in the URL; put them in mqtt.username and mqtt.password (used for every node)`);
    const twin = urls.findIndex((other) => brokerNode(other.href) === brokerNode(url.href));
    if (twin !== i) throw new BrokerConfigError(`mqtt.urls[${i}]: ${brokerNode(url.href)} is already mqtt.urls[${twin}]; name each node once`);
  });
  // mqtt.js keeps one path for every node (ws:/wss:); different paths would silently go to the first's.
  const paths = new Set(urls.filter((u) => u.protocol === 'ws:' || u.protocol === 'wss:').map((u) => u.pathname));
  if (paths.size > 1) throw new BrokerConfigError(`mqtt.urls: the ws:// nodes name different paths (${[...paths].join(', ')}); use one path for every node`);
  return urls;
}

function checkOne(config: MqttConfig, text: string, key: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BrokerConfigError(`${key}: ${JSON.stringify(text)} is not a URL; use mqtt://host:1883 or mqtts://host:8883`);
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new BrokerConfigError(`${key}: scheme ${JSON.stringify(url.protocol)} is not supported; use mqtt:, mqtts:, ws: or wss:`);
  }
  const clear = url.protocol === 'mqtt:' || url.protocol === 'ws:';
  if (clear && !isLoopbackHost(url.hostname) && !config.allowPlaintextPatientData) {
    throw new BrokerConfigError(
      `${key}: ${JSON.stringify(text)} sends patient data in clear to another machine; use mqtts:// with mqtt.ca, ` +
        'or set mqtt.allowPlaintextPatientData: true if the network is protected otherwise',
    );
  }
  return url;
}
