// Runs every doctor check in the order a technician would look: hardware, line, broker, host.
import type { GatewayConfig } from '../../../config/schema.js';
import { checkCamera, checkCard, checkFaceMatch, checkPanel } from './device-checks.js';
import { checkBroker, checkClock, checkDisk } from './host-checks.js';
import { checkLine } from './line-check.js';
import type { CheckResult } from './result.js';

export async function runDoctor(config: GatewayConfig, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  add(await checkCard(config));
  add(checkCamera(config));
  add(checkFaceMatch(config));
  add(checkPanel(config));
  const line = await checkLine(config);
  add(line.result);
  add(await checkBroker(config));
  add(checkDisk(config));
  add(await checkClock(config, line.skewSeconds));
  return results;
}
