// How long each step of a check-in takes (reading the card, the face match, the PIN, the consent
// questions, the eligibility query), timed from the gateway's own reader-state events on the bus,
// so steps are timed whether or not the broker is up. 'querying' is the line's latency as the
// patient feels it. Only states are read, never anything about the patient.
import type { GatewayBus } from '../feature.js';

/** Steps worth a histogram; idle, done and error are resting states. */
export const TIMED_STEPS = ['card', 'face', 'pin', 'consent', 'querying'] as const;
const TIMED = new Set<string>(TIMED_STEPS);

export function watchSteps(bus: GatewayBus, observe: (step: string, seconds: number) => void): () => void {
  // Each reader's steps are timed apart: several readers' check-ins interleave on one bus.
  const current = new Map<string, { state: string; since: number }>();
  const onState = ({ readerId, state, at }: { readonly readerId: string; readonly state: string; readonly at: number }) => {
    const last = current.get(readerId);
    if (state === last?.state) return;
    if (last && TIMED.has(last.state)) observe(last.state, (at - last.since) / 1000);
    current.set(readerId, { state, since: at });
  };
  bus.on('reader-state', onState);
  return () => bus.off('reader-state', onState);
}
