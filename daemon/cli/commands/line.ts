// `oqsgw sim eligibility`: the reference eligibility service for demos, tests and vendors'
// integration labs. Requires client certificates from the test clinic CA (var/pki/clinic).
import type { Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../../vocabulary/log.js';
import { group } from '../groups.js';
import { DEFAULT_PKI_DIR } from '../../../drivers/line/config.js';
import { ensureTestPki } from '../../../drivers/line/sim/service/test-pki.js';
import { EligibilityService } from '../../../drivers/line/sim/service/server.js';
import { parseFaults } from '../../../drivers/line/sim/service/faults.js';

interface Options {
  port: string; host: string; pkiDir: string; seed: string; households: string;
  faults: string; latency: string; jitter: string; logLevel: string;
}

function int(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`--${name}: ${JSON.stringify(value)} must be an integer from ${min} to ${max}`);
  return n;
}

export function registerLineCommands(program: Command): void {
  group(program, 'sim')
    .command('eligibility')
    .description('Run the reference eligibility service (HTTPS, client certificate from the test clinic CA required)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8443')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--pki-dir <dir>', 'test PKI directory (generated when missing)', DEFAULT_PKI_DIR)
    .option('--seed <seed>', 'seed of the synthetic register', 'oqs-demo')
    .option('--households <n>', 'generated households besides the named test people', '1500')
    .option('--faults <spec>', 'faults to inject: kind[:rate],... kinds: timeout, 5xx, 503, malformed, invalid, reset, tls', '')
    .option('--latency <ms>', 'added latency per request', '0')
    .option('--jitter <ms>', 'extra random latency, 0..ms', '0')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (opts: Options) => {
      let service: EligibilityService;
      try {
        const faults = parseFaults(opts.faults);
        const plan = { latencyMs: int('latency', opts.latency, 0, 600000), jitterMs: int('jitter', opts.jitter, 0, 600000), faults };
        const dir = await ensureTestPki(opts.pkiDir);
        service = new EligibilityService({
          pkiDir: dir, host: opts.host, port: int('port', opts.port, 0, 65535), seed: opts.seed,
          households: int('households', opts.households, 0, 100000), faults: plan,
        }, createLogger(opts.logLevel));
        const url = await service.start();
        process.stderr.write(
          `eligibility service on ${url.replace('localhost', opts.host === '127.0.0.1' ? 'localhost' : opts.host)}\n` +
          `  client: cert ${join(dir, 'clinic', 'client.pem')} key ${join(dir, 'clinic', 'client.key')} ca ${join(dir, 'service', 'ca.pem')}\n` +
          `  register: ${service.register.entries.length} people (seed ${opts.seed}); faults: ${opts.faults || 'none'}\n`,
        );
      } catch (error) {
        process.stderr.write(`oqsgw sim eligibility: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => { void service.stop().then(resolve); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
