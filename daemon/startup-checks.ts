// Every check `oqsgw start` makes of a config before it starts anything, in one function that
// `oqsgw config check` runs too (install.sh and upgrades rely on `config check` saying what
// `start` would refuse). Schema validation is config/load.ts; this is what the schema cannot say:
// files that must exist and be private, and combinations that would put patient data at risk.
import { accessSync, constants, statSync } from 'node:fs';
import type { GatewayConfig } from '../config/schema.js';
import { resolveReaders } from '../config/readers.js';
import { loadTlsMaterial } from '../drivers/line/tls-files.js';
import { ConfigError } from '../vocabulary/config-error.js';
import { checkBrokerUrls } from './mqtt/broker-url.js';
import { dataDirRefusal } from './store/file-modes.js';
import { checkStatusConfig } from './status/server.js';

/** One line per problem, each naming the key, the value and the fix; empty when `start` may go on. */
export function startupProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const dataDir = dataDirRefusal(config.dataDir);
  if (dataDir) problems.push(dataDir);
  const collect = (check: () => void) => {
    try {
      check();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else problems.push(error instanceof Error ? error.message : String(error));
    }
  };
  problems.push(...resolveReaders(config).problems);
  collect(() => checkBrokerUrls(config.mqtt));
  collect(() => checkBrokerFiles(config));
  if (config.status.enabled) collect(() => checkStatusConfig(config.status));
  if (config.line.driver === 'https') {
    if (!/^https:\/\/[^/]/.test(config.line.url)) problems.push(`line.url: ${JSON.stringify(config.line.url)} is not an https:// URL; set it to the eligibility service's https:// URL`);
    collect(() => loadTlsMaterial(config.line));
  }
  return problems;
}

/** Throws one ConfigError carrying every problem (Gateway.start calls this before anything else). */
export function assertStartable(config: GatewayConfig, file = '(config)'): void {
  const problems = startupProblems(config);
  if (problems.length > 0) throw new ConfigError(file, problems);
}

/** mqtt.ca / mqtt.cert / mqtt.key: readable when set; the key private; cert and key come as a pair. */
function checkBrokerFiles(config: GatewayConfig): void {
  const { ca, cert, key } = config.mqtt;
  const problems: string[] = [];
  for (const [name, file] of [['mqtt.ca', ca], ['mqtt.cert', cert], ['mqtt.key', key]] as const) {
    if (file === '') continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      problems.push(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path and that the daemon's user may read it`);
      continue;
    }
    if (name === 'mqtt.key') {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) problems.push(`mqtt.key: ${file} has mode ${mode.toString(8).padStart(4, '0')}; a private key must be readable by its owner only — run: chmod 600 ${file}`);
    }
  }
  if ((cert === '') !== (key === '')) problems.push(`mqtt.cert and mqtt.key: set both (a client certificate and its key) or neither`);
  if (problems.length > 0) throw new ConfigError('mqtt', problems);
}
