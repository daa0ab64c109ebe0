// line.driver 'sim': the reference eligibility service started in-process on 127.0.0.1 with the
// test PKI, and the real HTTPS client talking to it — so the demo exercises real mutual TLS.
import { join } from 'node:path';
import { DEFAULT_PKI_DIR } from '../config.js';
import { ensureTestPki } from './service/test-pki.js';
import { EligibilityService } from './service/server.js';
import { parseFaults } from './service/faults.js';
import type { Logger } from '../../../vocabulary/log.js';
import type { LineConfig } from '../config.js';
import type {
  BatchItemResult, CardCheckRequest, EligibilityClient, EligibilityResult, LineHealth, NumberCheckRequest,
  BulkPage, ReferenceRegistered, ReferenceRegistration,
} from '../eligibility.js';
import { HttpsEligibilityClient } from '../https-client.js';
import { loadTlsMaterial } from '../tls-files.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';

export class SimEligibilityLine implements EligibilityClient {
  #service: EligibilityService | null = null;
  #client: HttpsEligibilityClient | null = null;

  constructor(private readonly config: LineConfig, private readonly logger: Logger) {
    parseFaults(config.sim.faults); // a bad fault spec fails at start-up, not at the first check-in
  }

  /** The in-process service (for tests and the demo: the register, fault injection). */
  get service(): EligibilityService | null { return this.#service; }

  async start(): Promise<void> {
    const dir = await ensureTestPki(this.config.sim.pkiDir || DEFAULT_PKI_DIR);
    const service = new EligibilityService({
      pkiDir: dir,
      seed: this.config.sim.seed,
      households: this.config.sim.households,
      faults: { latencyMs: this.config.sim.latencyMs, jitterMs: 0, faults: parseFaults(this.config.sim.faults) },
    }, this.logger.child({ component: 'eligibility-sim' }));
    const url = await service.start();
    this.#service = service;
    const tls = loadTlsMaterial({ ca: join(dir, 'service', 'ca.pem'), cert: join(dir, 'clinic', 'client.pem'), key: join(dir, 'clinic', 'client.key') });
    this.#client = new HttpsEligibilityClient({ ...this.config, url, tls }, this.logger);
    await this.#client.start();
  }

  async stop(): Promise<void> {
    await this.#client?.stop();
    await this.#service?.stop();
    this.#client = null;
    this.#service = null;
  }

  #line(): HttpsEligibilityClient {
    if (!this.#client) throw new GatewayError('LINE_DOWN', 'eligibility line (sim) not started');
    return this.#client;
  }

  challenge(signal?: AbortSignal): Promise<string> { return this.#line().challenge(signal); }
  checkByCard(request: CardCheckRequest, signal?: AbortSignal): Promise<EligibilityResult> { return this.#line().checkByCard(request, signal); }
  checkByNumber(request: NumberCheckRequest, signal?: AbortSignal): Promise<EligibilityResult> { return this.#line().checkByNumber(request, signal); }
  checkBatch(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<BatchItemResult[]> { return this.#line().checkBatch(requests, signal); }
  registerReferenceNumber(registration: ReferenceRegistration, signal?: AbortSignal): Promise<ReferenceRegistered> { return this.#line().registerReferenceNumber(registration, signal); }
  checkByReference(referenceNumber: string, date?: string, signal?: AbortSignal): Promise<EligibilityResult> { return this.#line().checkByReference(referenceNumber, date, signal); }
  submitBulk(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<{ receptionNumber: string; total: number }> { return this.#line().submitBulk(requests, signal); }
  fetchBulk(receptionNumber: string, from: number, signal?: AbortSignal): Promise<BulkPage> { return this.#line().fetchBulk(receptionNumber, from, signal); }
  health(): LineHealth {
    const health = this.#client?.health() ?? { ok: false, detail: 'not started', breaker: 'closed' as const };
    return { ...health, detail: `sim: ${health.detail}` };
  }
}
