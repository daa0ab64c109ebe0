// `oqsgw doctor [--config FILE] [--json]`: checks everything the service needs, one line each.
// Exit code: 0 all OK, 1 a warning, 2 a failure (or a config that does not load).
import type { Command } from 'commander';
import { loadConfig } from '../../../config/load.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { runDoctor } from '../../ops/doctor/run.js';
import { exitCode, fail, formatLine, worst, type CheckResult } from '../../ops/doctor/result.js';
import { DEFAULT_CONFIG_FILE } from './start.js';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check the card reader (pcscd), camera, serial panel, eligibility line (TLS, certificates), broker, disk and clock')
    .option('-c, --config <file>', 'YAML config file', process.env.OQSGW_CONFIG ?? DEFAULT_CONFIG_FILE)
    .option('--json', 'print the results as JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      let results: CheckResult[];
      try {
        const config = loadConfig(options.config);
        results = await runDoctor(config, options.json ? undefined : (r) => console.log(formatLine(r)));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        results = [fail('config', `${options.config}: ${error.problems.join('; ')}`, `fix the file, then: oqsgw config check ${options.config}`)];
        if (!options.json) console.log(formatLine(results[0]!));
      }
      if (options.json) console.log(JSON.stringify({ worst: worst(results), checks: results }, null, 2));
      else console.log(`doctor: ${worst(results)} (${results.filter((r) => r.level !== 'OK').length} of ${results.length} checks need attention)`);
      // Exit now: a half-closed socket of a failed check must not keep the process alive.
      process.exit(exitCode(results));
    });
}
