// A feature is a part of the product that hangs off the running gateway (status endpoint, EHR
// requests, re-checks ...) without the core knowing it: add a file and one line to
// daemon/features.ts. Started after the gateway is wired, stopped before it stops, in reverse.
import type { Gateway } from './gateway.js';

export interface GatewayFeature {
  readonly name: string;
  start(gateway: Gateway): Promise<void>;
  stop(): Promise<void>;
}

export type FeatureFactory = (gateway: Gateway) => GatewayFeature | null;
