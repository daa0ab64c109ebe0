// Runs every doctor check in the order a technician would look: hardware, line, broker, host.
import type { GatewayConfig } from '../../../config/schema.js';
import { resolveReaders } from '../../../config/readers.js';
import { checkCamera, checkCard, checkFaceMatch, checkPanel } from './device-checks.js';
import { checkBroker, checkClock, checkDisk } from './host-checks.js';
import { checkLine } from './line-check.js';
import { fail, type CheckResult } from './result.js';

export async function runDoctor(config: GatewayConfig, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  for (const r of await deviceChecks(config)) add(r);
  const line = await checkLine(config);
  add(line.result);
  add(await checkBroker(config));
  add(checkDisk(config));
  add(await checkClock(config, line.skewSeconds));
  return results;
}

/** The local hardware: one reader's card reader, camera, face match (card-front source) and panel,
 * or, with `readers:`, each reader's, the check named by its id ("card (entrance-1)"). */
export async function deviceChecks(config: GatewayConfig): Promise<CheckResult[]> {
  if (config.readers.length === 0) return [await checkCard(config), checkCamera(config), checkFaceMatch(config), checkPanel(config)];
  const results: CheckResult[] = [];
  const { readers, problems } = resolveReaders(config);
  if (problems.length > 0) results.push(fail('readers', problems.join('; '), 'fix `readers:` in the config (oqsgw config check FILE)'));
  for (const reader of readers) {
    const own: GatewayConfig = { ...config, card: reader.card, face: reader.face, panel: reader.panel };
    const named = (r: CheckResult): CheckResult => ({ ...r, check: `${r.check} (${reader.id})` });
    results.push(named(await checkCard(own)), named(checkCamera(own)), named(checkFaceMatch(own)), named(checkPanel(own)));
  }
  return results;
}
