// Injectable latency and faults, so the client's handling of a bad line can be shown and tested:
//   timeout   accept the request and never answer
//   5xx       HTTP 500 with an error page (not JSON)
//   503       HTTP 503, the service is down for maintenance
//   malformed HTTP 200 with a body that is not JSON
//   invalid   HTTP 200 with JSON of the wrong shape
//   reset     drop the connection after the request arrived
//   tls       break the TLS layer (garbage instead of a handshake; a dropped socket on reuse)
import type { Random } from './random.js';

export const FAULT_KINDS = ['timeout', '5xx', '503', 'malformed', 'invalid', 'reset', 'tls'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault { readonly kind: FaultKind; readonly rate: number }

export interface FaultPlan {
  readonly latencyMs: number;
  /** Extra random latency, 0..jitterMs. */
  readonly jitterMs: number;
  readonly faults: readonly Fault[];
}

export const NO_FAULTS: FaultPlan = { latencyMs: 0, jitterMs: 0, faults: [] };

/** "5xx:0.2,timeout" -> 20 % HTTP 500, otherwise every request times out. Throws on a bad spec. */
export function parseFaults(spec: string): Fault[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((part) => {
    const [kind = '', rateText] = part.trim().split(':');
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(`unknown fault '${kind}'; allowed: ${FAULT_KINDS.join(', ')} (optionally kind:rate, rate 0..1)`);
    }
    const rate = rateText === undefined ? 1 : Number(rateText);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new RangeError(`fault rate '${rateText ?? ''}' must be between 0 and 1`);
    return { kind: kind as FaultKind, rate };
  });
}

/** The first fault whose dice roll hits, or null. */
export function pickFault(plan: FaultPlan, random: Random, among?: readonly FaultKind[]): FaultKind | null {
  for (const fault of plan.faults) {
    if (among && !among.includes(fault.kind)) continue;
    if (random.next() < fault.rate) return fault.kind;
  }
  return null;
}

export function delayFor(plan: FaultPlan, random: Random): number {
  return plan.latencyMs + (plan.jitterMs > 0 ? Math.floor(random.next() * plan.jitterMs) : 0);
}
