// `oqsgw start` (the service) and `oqsgw demo` (simulated hardware, embedded broker).
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { DEMO_CONFIG_FILE, loadConfig } from '../../../config/load.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import type { GatewayConfig } from '../../../config/schema.js';
import { describeCheckin } from '../../demo-summary.js';
import type { Gateway } from '../../gateway.js';
import { createLogger } from '../../../vocabulary/log.js';
import { BrokerConfigError, brokerNode, brokerUrls } from '../../mqtt/broker-url.js';
import { startupProblems } from '../../startup-checks.js';
import { fromRoot, packageRoot } from '../../../vocabulary/paths.js';

export const DEFAULT_CONFIG_FILE = '/etc/oqs-gateway/config.yaml';

const version = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;

function loadOrExit(file: string): GatewayConfig {
  try {
    return loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(`config error: ${file}: ${problem}`);
    console.error('Nothing was started. Fix the file, then check it with: oqsgw config check ' + file);
    process.exit(2);
  }
}

/**
 * The checks Gateway.start would refuse the config with (startup-checks.ts, as `config check`),
 * made before the gateway's modules (MQTT, SQLite, serial, the drivers) are even loaded: a refused
 * start says so and exits 2 at once, instead of after seconds of loading on a busy box.
 */
function refuseOrExit(config: GatewayConfig, file: string): void {
  const problems = startupProblems(config);
  if (problems.length === 0) return;
  for (const problem of problems) console.error(`config error: ${problem}`);
  console.error(`Nothing was started. Fix the file, then check it with: oqsgw config check ${file}`);
  process.exit(2);
}

async function run(config: GatewayConfig, onStarted: (gateway: Gateway) => void | Promise<void>): Promise<void> {
  const logger = createLogger(config.logLevel);
  const [{ Gateway }, { FEATURES }] = await Promise.all([import('../../gateway.js'), import('../../features.js')]);
  let gateway: Gateway;
  try {
    gateway = await Gateway.start(config, logger, version, FEATURES);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A config the gateway refuses (startup-checks.ts, or a driver's own files): exit 2, like a
    // file that does not validate, with the same lines `oqsgw config check` prints.
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`config error: ${problem}`);
      console.error('Nothing was started. Fix the file, then check it with: oqsgw config check FILE');
    } else if (error instanceof BrokerConfigError) console.error(`config error: ${message}`);
    else console.error(`oqsgw: could not start: ${message}`);
    process.exit(error instanceof BrokerConfigError || error instanceof ConfigError ? 2 : 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    void gateway.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ version, gatewayId: config.gatewayId, base: gateway.topics.base }, 'gateway started');
  await onStarted(gateway);
}

export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('Run the gateway as configured (what systemd runs)')
    .option('-c, --config <file>', 'YAML config file', process.env.OQSGW_CONFIG ?? DEFAULT_CONFIG_FILE)
    .action(async (options: { config: string }) => {
      const config = loadOrExit(options.config);
      refuseOrExit(config, options.config);
      await run(config, () => {});
    });

  program
    .command('demo')
    .description('Run with simulated card, camera, panel and eligibility service and an embedded MQTT broker; no hardware, no config')
    .option('-i, --interval <seconds>', 'simulate a check-in this often (0: only on Enter or MQTT)', '5')
    .option('-p, --port <port>', 'embedded broker port on 127.0.0.1', '1883')
    .option('-c, --config <file>', 'demo config to use instead of the built-in one', DEMO_CONFIG_FILE)
    .option('-b, --broker <kind>', "demo broker: auto (mosquitto, MQTT 5, when installed; else aedes), mosquitto, aedes (MQTT 3.1.1 only)")
    .action(async (options: { interval: string; port: string; config: string; broker?: string }) => {
      const interval = Number(options.interval);
      const port = Number(options.port);
      if (!Number.isInteger(interval) || interval < 0) program.error(`--interval: ${JSON.stringify(options.interval)} is not a whole number of seconds`);
      if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`--port: ${JSON.stringify(options.port)} is not a port number`);
      // Relative paths in the built-in demo config (data, test PKI) are the package's own.
      if (options.config === DEMO_CONFIG_FILE) process.chdir(packageRoot);
      if (options.broker !== undefined && !['auto', 'mosquitto', 'aedes'].includes(options.broker)) program.error(`--broker: ${JSON.stringify(options.broker)} is not auto, mosquitto or aedes`);
      const config = loadOrExit(options.config);
      config.mqtt.embeddedPort = port;
      if (options.broker !== undefined) config.mqtt.embeddedBroker = options.broker as typeof config.mqtt.embeddedBroker;
      refuseOrExit(config, options.config);
      const { startDemo } = await import('../../demo.js');
      await run(config, (gateway) => {
        const demo = startDemo(gateway, interval, (event) => console.log(describeCheckin(event)));
        const broker = gateway.broker;
        const url = broker?.url ?? brokerUrls(config.mqtt).map(brokerNode).join(", ");
        const which = broker?.kind === 'mosquitto' ? 'mosquitto (MQTT 5) ' : broker?.kind === 'aedes' ? 'aedes (embedded, MQTT 3.1.1 only) ' : '';
        console.log(`oqsgw demo ${version}: simulated reader${gateway.desks.length > 1 ? 's' : ''} ${gateway.desks.map((d) => `"${d.id}"`).join(', ')}, broker ${which}${url}`);
        console.log(`  watch:   mosquitto_sub${broker?.protocolVersion === 5 ? ' -V mqttv5' : ''} -h 127.0.0.1 -p ${broker?.port ?? port} -t '${gateway.topics.base}/#' -v`);
        console.log(`  trigger: press Enter, or mosquitto_pub -h 127.0.0.1 -p ${gateway.broker?.port ?? port} -t '${gateway.topics.demoCheckin}' -m '{}'`);
        if (config.status.enabled) console.log(`  status:  curl http://${config.status.host}:${config.status.port}/status`);
        console.log(`  ${interval > 0 ? `a check-in every ${interval} s; ` : ''}Ctrl-C stops.`);
        if (process.stdin.isTTY) {
          createInterface({ input: process.stdin }).on('line', () => {
            if (!demo.trigger()) console.log('(a check-in is running; wait for it to finish)');
          });
        }
      });
    });
}
