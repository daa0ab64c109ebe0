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

/** Throws when the URL would carry patient data in clear off this machine without consent in config. */
export function checkBrokerUrl(config: MqttConfig): URL {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new BrokerConfigError(`mqtt.url: ${JSON.stringify(config.url)} is not a URL; use mqtt://host:1883 or mqtts://host:8883`);
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new BrokerConfigError(`mqtt.url: scheme ${JSON.stringify(url.protocol)} is not supported; use mqtt:, mqtts:, ws: or wss:`);
  }
  const clear = url.protocol === 'mqtt:' || url.protocol === 'ws:';
  if (clear && !isLoopbackHost(url.hostname) && !config.allowPlaintextPatientData) {
    throw new BrokerConfigError(
      `mqtt.url: ${JSON.stringify(config.url)} sends patient data in clear to another machine; use mqtts:// with mqtt.ca, ` +
        'or set mqtt.allowPlaintextPatientData: true if the network is protected otherwise',
    );
  }
  return url;
}
