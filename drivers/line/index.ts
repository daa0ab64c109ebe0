// Chooses the eligibility line named in config.
import { ConfigError } from '../../vocabulary/config-error.js';
import type { Logger } from '../../vocabulary/log.js';
import type { LineConfig } from './config.js';
import type { EligibilityClient } from './eligibility.js';
import { HttpsEligibilityClient } from './https-client.js';
import { SimEligibilityLine } from './sim/sim-eligibility-client.js';
import { loadTlsMaterial } from './tls-files.js';

export type { EligibilityClient } from './eligibility.js';
export { recheck, toPending, type PendingInquiry } from './pending.js';

/** Throws ConfigError (naming the file and the fix) when the https key is not mode 0600. */
export function createEligibilityClient(config: LineConfig, logger: Logger): EligibilityClient {
  const log = logger.child({ component: 'line' });
  switch (config.driver) {
    case 'sim':
      return new SimEligibilityLine(config, log);
    case 'https':
      if (!/^https:\/\/[^/]/.test(config.url)) {
        throw new ConfigError('line.url', [`line.url: ${JSON.stringify(config.url)} is not valid; set the service's https:// URL`]);
      }
      return new HttpsEligibilityClient({ ...config, tls: loadTlsMaterial(config) }, log);
  }
}
