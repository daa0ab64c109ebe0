// The devices one gateway drives, each behind its driver's interface.
import type { CardReader } from '../drivers/card/card-reader.js';
import type { FaceMatcher } from '../drivers/face/face-matcher.js';
import type { EligibilityClient } from '../drivers/line/eligibility.js';
import type { ReaderPanel } from '../drivers/panel/reader-panel.js';

export type Devices = {
  readonly card: CardReader;
  readonly face: FaceMatcher;
  readonly panel: ReaderPanel;
  readonly line: EligibilityClient;
};
