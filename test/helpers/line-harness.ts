// Starts the reference eligibility service and an HTTPS client against it, with the test PKI, and
// stops both when the test ends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { silentLogger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import { HttpsEligibilityClient, type HttpsLineOptions } from '../../drivers/line/https-client.js';
import { EligibilityService, type ServiceOptions } from '../../drivers/line/sim/service/server.js';
import { ensureTestPki } from '../../drivers/line/sim/service/test-pki.js';

export const pkiDir = (): Promise<string> => ensureTestPki();

export function cardDer(dir: string, id: string): Buffer {
  return readFileSync(join(dir, 'jpki', 'people', `${id}.der`));
}

export interface Harness {
  readonly dir: string;
  readonly service: EligibilityService;
  readonly client: HttpsEligibilityClient;
}

export interface HarnessOptions {
  readonly service?: Partial<ServiceOptions>;
  readonly client?: Partial<HttpsLineOptions>;
  /** Client certificate/key from another tree entry, e.g. 'rogue/client'. */
  readonly clientIdentity?: string;
  /** Pinned CA, default service/ca.pem. */
  readonly pinnedCa?: string;
  /** Host name the client uses in the URL (default localhost). */
  readonly host?: string;
}

export async function startHarness(t: Test, options: HarnessOptions = {}): Promise<Harness> {
  const dir = await pkiDir();
  const service = new EligibilityService({ pkiDir: dir, households: 300, ...options.service }, silentLogger);
  await service.start();
  t.teardown(() => service.stop());
  const identity = options.clientIdentity ?? 'clinic/client';
  const client = new HttpsEligibilityClient({
    url: `https://${options.host ?? 'localhost'}:${service.port}`,
    tls: {
      ca: readFileSync(join(dir, options.pinnedCa ?? 'service/ca.pem')),
      cert: readFileSync(join(dir, `${identity}.pem`)),
      key: readFileSync(join(dir, `${identity}.key`)),
    },
    timeoutMs: 5000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 10,
    breakerThreshold: 100, breakerCooldownMs: 60000, batchChunk: 200, batchConcurrency: 4, probeIntervalMs: 0,
    ...options.client,
  }, silentLogger);
  await client.start();
  t.teardown(() => client.stop());
  return { dir, service, client };
}

/** The code of a rejected promise's GatewayError, or 'resolved'. */
export async function codeOfRejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A refused request as `<code>/<the service's error code>` ('resolved' when it was not refused). */
export async function serviceRefusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return `${error.code}/${String(error.details.serviceError ?? '-')}`;
  }
}
