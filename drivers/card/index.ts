// Chooses the card driver named in config.
import type { Logger } from '../../vocabulary/log.js';
import { fromRoot } from '../../vocabulary/paths.js';
import type { CardConfig } from './config.js';
import type { CardReader } from './card-reader.js';
import { PcscCardReader } from './pcsc/pcsc-card-reader.js';
import { SimCardReader } from './sim/sim-card-reader.js';

export { SimCardReader } from './sim/sim-card-reader.js';
export { PcscCardReader } from './pcsc/pcsc-card-reader.js';

export function createCardReader(config: CardConfig, logger: Logger): CardReader {
  switch (config.driver) {
    case 'sim':
      return new SimCardReader({
        pkiDir: config.pkiDir || fromRoot('var', 'pki'),
        profiles: config.simProfiles,
        timeoutMs: config.commandTimeoutMs,
        fault: config.simFault,
        logger,
      });
    case 'pcsc':
      return new PcscCardReader({ readerName: config.readerName, timeoutMs: config.commandTimeoutMs, logger });
  }
}
