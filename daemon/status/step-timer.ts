// How long each step of a check-in takes (reading the card, the face match, the PIN, the consent
// questions, the eligibility query), timed from the reader-state messages the gateway itself
// sends — the public contract, so no hook into the flow is needed. 'querying' is the line's
// latency as the patient feels it. Only states are read, never anything about the patient. The
// gateway sends states only while the broker is connected; steps during an outage go untimed.
import type { Packet } from 'mqtt';
import type { Gateway } from '../gateway.js';

/** Steps worth a histogram; idle, done and error are resting states. */
export const TIMED_STEPS = ['card', 'face', 'pin', 'consent', 'querying'] as const;
const TIMED = new Set<string>(TIMED_STEPS);

export function watchSteps(gateway: Gateway, observe: (step: string, seconds: number) => void, now: () => number = Date.now): () => void {
  const topic = gateway.topics.readerState(gateway.config.readerId);
  let current: { state: string; since: number } | null = null;
  const onPacket = (packet: Packet) => {
    if (packet.cmd !== 'publish' || packet.topic !== topic) return;
    let state: unknown;
    try {
      state = (JSON.parse(packet.payload.toString()) as { state?: unknown }).state;
    } catch {
      return;
    }
    if (typeof state !== 'string' || state === current?.state) return; // a resend, not a change
    const at = now();
    if (current && TIMED.has(current.state)) observe(current.state, (at - current.since) / 1000);
    current = { state, since: at };
  };
  gateway.mqtt.on('packetsend', onPacket);
  return () => gateway.mqtt.off('packetsend', onPacket);
}
