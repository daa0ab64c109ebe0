// The devices one gateway drives, each behind its driver's interface.
import type { CardReader } from '../drivers/card/card-reader.js';
import type { FaceMatcher } from '../drivers/face/face-matcher.js';
import type { EligibilityClient } from '../drivers/line/eligibility.js';
import type { ReaderPanel } from '../drivers/panel/reader-panel.js';

/** One reader's own devices (daemon/desk/reader-desk.ts). */
export type ReaderDevices = {
  readonly card: CardReader;
  readonly face: FaceMatcher;
  readonly panel: ReaderPanel;
};

/** The line, shared, and the first reader's devices (the only reader's without `readers:`). */
export type Devices = ReaderDevices & {
  readonly line: EligibilityClient;
};
