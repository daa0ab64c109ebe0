// The card-front read started as soon as the certificate is read (issue 13: "front read in
// parallel with the face camera warming up"): it runs while the card's PIN status is read and the
// patient picks face or PIN, so the key is often there when the face step begins. Its advice to
// the patient (place flat / hold still) is held back until the face step shows the front screen,
// so it never covers the question on the panel; a patient who picks the PIN stops it.
import type { FrontKeySource } from '../../drivers/card/front/front-key-source.js';
import type { FrontResult } from '../../drivers/card/front/front-reader.js';
import type { FrontGuidance } from '../../vocabulary/front-guidance.js';
import type { StepContext } from './steps.js';

export interface EarlyFront {
  /** The card's certificate the read is for (the refused-key memory is per card). */
  readonly certificate: Buffer;
  /** The read's outcome; rejects like FrontKeySource.read (e.g. the source failed, or stopped). */
  readonly result: Promise<FrontResult>;
  /** From now on the advice goes to `show`, starting with the latest one given so far. */
  follow(show: (guidance: FrontGuidance) => void): void;
  /** Stops the read (the patient chose the PIN, or the identity step ended). */
  stop(): void;
}

export function startFrontRead(front: FrontKeySource, certificate: Buffer, ctx: StepContext): EarlyFront {
  const stopped = new AbortController();
  const signal = AbortSignal.any([ctx.cardRemoved, ctx.shutdown, stopped.signal]);
  let latest: FrontGuidance | undefined;
  let sink: ((guidance: FrontGuidance) => void) | undefined;
  const result = front.read(certificate, {
    signal,
    onGuidance: (guidance) => {
      latest = guidance;
      sink?.(guidance);
    },
  });
  // Nobody may await it (PIN chosen): its rejection must not be an unhandled one.
  result.catch(() => {});
  return {
    certificate,
    result,
    follow(show) {
      sink = show;
      if (latest) show(latest);
    },
    stop() {
      stopped.abort();
    },
  };
}
