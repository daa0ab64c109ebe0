// Chooses the reader panel driver named in config.
import type { Logger } from '../../daemon/log.js';
import type { PanelConfig } from './config.js';
import type { ReaderPanel } from './reader-panel.js';
import { SimReaderPanel } from './sim-reader-panel.js';

export { SimReaderPanel, type SimPanelScript, type SimPanelRecord } from './sim-reader-panel.js';

export function createReaderPanel(config: PanelConfig, _logger: Logger): ReaderPanel {
  switch (config.driver) {
    case 'sim':
      return new SimReaderPanel(config);
    case 'serial':
      throw new Error("panel.driver 'serial' is not available in this build yet");
  }
}
