// `oqsgw fhir <eventId>`: prints a check-in as its FHIR R4 Bundle (JP Core; docs/fhir.md).
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '../../../config/load.js';
import { lookupBundle } from '../../fhir/lookup.js';
import { Database } from '../../store/database.js';
import { DEFAULT_CONFIG_FILE } from './start.js';

export function registerFhirCommand(program: Command): void {
  program
    .command('fhir <eventId>')
    .description('Print a stored check-in as an HL7 FHIR R4 Bundle (JP Core Patient, Coverage, payor Organization)')
    .option('-c, --config <file>', 'YAML config file (for dataDir)', process.env.OQSGW_CONFIG ?? DEFAULT_CONFIG_FILE)
    .action(async (eventId: string, options: { config: string }) => {
      const config = loadConfig(options.config);
      const db = await Database.open(join(config.dataDir, 'gateway.sqlite'));
      try {
        const result = await lookupBundle(db, config, eventId);
        if (result.found === 'no-checkin') {
          console.error(`no check-in ${eventId} in ${config.dataDir} (check-ins are kept ${config.retentionHours} h after delivery)`);
          process.exitCode = 1;
        } else if (result.found === 'no-person') {
          console.error(`check-in ${eventId} has no insured person (the service did not answer with one): nothing to describe in FHIR`);
          process.exitCode = 1;
        } else {
          console.log(JSON.stringify(result.bundle, null, 2));
        }
      } finally {
        await db.close();
      }
    });
}
