// Chooses the reader panel driver named in config.
import type { Logger } from '../../vocabulary/log.js';
import type { PanelConfig } from './config.js';
import type { ReaderPanel } from './reader-panel.js';
import { SerialReaderPanel } from './serial-reader-panel.js';
import { SimReaderPanel } from './sim/sim-reader-panel.js';
import { PtySimReaderPanel } from './sim/pty-sim-reader-panel.js';

export { SerialReaderPanel } from './serial-reader-panel.js';
export { PtySimReaderPanel } from './sim/pty-sim-reader-panel.js';
export { SimReaderPanel, type SimPanelScript, type SimPanelRecord } from './sim/sim-reader-panel.js';

export function createReaderPanel(config: PanelConfig, logger: Logger): ReaderPanel {
  switch (config.driver) {
    case 'sim':
      return new SimReaderPanel(config);
    case 'serial':
      return new SerialReaderPanel(config, logger.child({ component: 'panel' }));
    case 'pty':
      return new PtySimReaderPanel(config, logger.child({ component: 'panel' }));
  }
}
