// An in-process Gateway (the real wiring, sim drivers, the real EHR feature) against a given
// broker URL, with a scratch data directory; stopped and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { validateConfig } from '../../config/load.js';
import { ehrFeatureOf, type EhrFeature } from '../../daemon/ehr/ehr-feature.js';
import { Gateway } from '../../daemon/gateway.js';
import { FEATURES } from '../../daemon/features.js';
import type { SimEligibilityLine } from '../../drivers/line/sim/sim-eligibility-client.js';
import { silentLogger } from '../../vocabulary/log.js';
import { fromRoot } from '../../vocabulary/paths.js';
import type { GatewayConfig } from '../../config/schema.js';
import type { FaultKind } from '../../drivers/line/sim/service/faults.js';

export interface TestGateway {
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly dir: string;
  readonly ehr: EhrFeature;
  /** Makes every request to the simulated eligibility service fail this way (null: heal it). */
  lineFault(kind: FaultKind | null): void;
}

type MqttOverrides = Record<string, unknown> & { ehr?: Record<string, unknown> };

/** `mqtt.ehr` here is the test's shorthand for the top-level `ehr` section. */
export function testConfig(dataDir: string, mqtt: MqttOverrides, more: Record<string, unknown> = {}): GatewayConfig {
  const { ehr, ...mqttOnly } = mqtt;
  return validateConfig({
    version: 2,
    gatewayId: 'ehrt',
    dataDir,
    mqtt: mqttOnly,
    ehr: { recheckIntervalSeconds: 1, ...ehr },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim', retries: 0, breakerThreshold: 100, sim: { households: 20, pkiDir: fromRoot('var/pki') } },
    ...more,
  });
}

export async function startTestGateway(t: Test, mqtt: MqttOverrides, more: Record<string, unknown> = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-ehr-gw-'));
  const config = testConfig(join(dir, 'data'), mqtt, more);
  const gateway = await Gateway.start(config, silentLogger, 'test', FEATURES);
  t.teardown(async () => {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    gateway,
    config,
    dir,
    // Read when used: a test of ehr.requests false has no EHR feature.
    get ehr() { return ehrOf(gateway); },
    lineFault: (kind) => {
      const service = (gateway.devices.line as SimEligibilityLine).service;
      if (!service) throw new Error('the sim line has no service');
      service.setFaults({ latencyMs: 0, jitterMs: 0, faults: kind ? [{ kind, rate: 1 }] : [] });
    },
  };
}

/** The running EHR feature of a gateway. */
export function ehrOf(gateway: Gateway): EhrFeature {
  const found = ehrFeatureOf(gateway);
  if (!found) throw new Error('the ehr feature is not running (is it in daemon/features.ts and mqtt.ehr.requests true?)');
  return found;
}
