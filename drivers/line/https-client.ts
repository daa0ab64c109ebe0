// The EligibilityClient over HTTPS with mutual TLS: the clinic's certificate, the service's CA
// pinned (no system roots), TLS 1.2+, host name checked. Requests safe to repeat are retried with
// jittered backoff; a circuit breaker makes a dead line fail at once with LINE_DOWN.
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import { backoffMs, sleep } from './backoff.js';
import { CircuitBreaker } from './breaker.js';
import type {
  BatchItemResult, CardCheckRequest, EligibilityClient, EligibilityResult, LineHealth, NumberCheckRequest,
  BulkPage, ReferenceRegistered, ReferenceRegistration,
} from './eligibility.js';
import { fromHttpStatus, refusedAfterHandshake, fromNetworkError, fromServiceHeader, malformed, toGatewayError, type LineFailure } from './failures.js';
import type { TlsMaterial } from './tls-files.js';
import { BATCH_CHUNK_MAX, BULK_MAX, PATHS, isErrorSegment, validators, type BatchResponseBody, type HeaderBody, type NumberInquiryBody } from './wire.js';
import { answerProblems } from './answer-check.js';
import { expandAnswer } from './answer-compact.js';
import { runBatch } from './batch.js';

export interface HttpsLineOptions {
  readonly url: string;
  readonly tls: TlsMaterial;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Extra attempts for requests safe to repeat. */
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly breakerThreshold: number;
  readonly breakerCooldownMs: number;
  readonly batchChunk: number;
  readonly batchConcurrency: number;
  /** Probe the service this often when idle, so a dead line is known (and a live one found again)
   * before the next patient; 0 turns it off. */
  readonly probeIntervalMs?: number;
}

const MAX_BODY = 32 * 1024 * 1024;

/** The header of a batch or bulk item that carries none: a normal answer (wire.ts). */
const NORMAL_ITEM = { segmentOfResult: '1', errorCode: null, errorMessage: null } as const;

class AttemptError extends Error {
  constructor(readonly failure: LineFailure) { super(failure.message); }
}

export class HttpsEligibilityClient implements EligibilityClient {
  readonly #breaker: CircuitBreaker;
  readonly #base: URL;
  #agent: Agent | null = null;
  #probe: NodeJS.Timeout | null = null;
  #lastActivity = 0;
  #lastSuccessAt: string | null = null;
  /** A certificate problem seen on the last attempt (it will not fix itself); cleared by an answer. */
  #trustProblem: string | null = null;

  constructor(private readonly options: HttpsLineOptions, private readonly logger: Logger) {
    // A base with a path prefix (https://host/oqs) keeps it: paths are resolved relative to it.
    this.#base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    if (this.#base.protocol !== 'https:') throw new GatewayError('LINE_ERROR', `line.url must be https:// (got ${this.#base.protocol})`);
    this.#breaker = new CircuitBreaker({ threshold: options.breakerThreshold, cooldownMs: options.breakerCooldownMs });
  }

  async start(): Promise<void> {
    const { ca, cert, key } = this.options.tls;
    // ca replaces the system roots: only the pinned service CA is trusted.
    this.#agent = new Agent({ keepAlive: true, maxSockets: 16, ca, cert, key, minVersion: 'TLSv1.2', rejectUnauthorized: true });
    // Probing on (the default): one probe at once, so a refused certificate or a dead line is known
    // (and named) at start, not at the first patient; /readyz says "not contacted yet" until then.
    const every = this.options.probeIntervalMs ?? 0;
    if (every > 0) void this.probe();
    if (every > 0) {
      this.#probe = setInterval(() => { if (Date.now() - this.#lastActivity >= every) void this.probe(); }, every);
      this.#probe.unref();
    }
  }

  /** One health request; its outcome feeds the breaker like any other. Never throws. */
  async probe(): Promise<boolean> {
    try {
      const body = await this.#call(PATHS.health, {}, false);
      return typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = null;
    this.#agent?.destroy();
    this.#agent = null;
  }

  health(): LineHealth {
    const breaker = this.#breaker.state;
    const lastSuccessAt = this.#lastSuccessAt;
    if (!this.#agent) return { ok: false, detail: 'not started', breaker, lastSuccessAt };
    if (this.#trustProblem) return { ok: false, detail: `line refused: ${this.#trustProblem}`, breaker, lastSuccessAt };
    if (breaker === 'closed' && lastSuccessAt === null) return { ok: true, detail: `line not contacted yet (${this.#base.host}; probing)`, breaker, lastSuccessAt };
    if (breaker === 'closed') return { ok: true, detail: `line up (${this.#base.host})`, breaker, lastSuccessAt };
    const retry = Math.ceil(this.#breaker.retryInMs() / 1000);
    return { ok: false, detail: `line down: ${this.#breaker.lastError}${breaker === 'open' ? `; next try in ${retry}s` : '; probing'}`, breaker, lastSuccessAt };
  }

  async challenge(signal?: AbortSignal): Promise<string> {
    const body = await this.#call(PATHS.challenge, {}, true, signal);
    if (!validators.challenge(body)) throw toGatewayError(malformed('challenge'));
    return body.challenge;
  }

  async checkByCard(req: CardCheckRequest, signal?: AbortSignal): Promise<EligibilityResult> {
    const body = {
      certificate: req.certificate.toString('base64'),
      method: req.method,
      ...(req.proof ? { proof: { challenge: req.proof.challenge, signature: req.proof.signature.toString('base64') } } : {}),
      consents: { ...req.consents },
      ...(req.registerInsuranceUse ? { registerInsuranceUse: true } : {}),
      ...(req.qualificationConfirmationDate ? { qualificationConfirmationDate: req.qualificationConfirmationDate } : {}),
    };
    // Not repeated after it may have reached the service: the front desk must not wait.
    return this.#inquiry(PATHS.card, body, false, signal);
  }

  async checkByNumber(req: NumberCheckRequest, signal?: AbortSignal): Promise<EligibilityResult> {
    return this.#inquiry(PATHS.number, numberBody(req), true, signal);
  }

  async checkBatch(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<BatchItemResult[]> {
    const chunk = Math.max(1, Math.min(BATCH_CHUNK_MAX, this.options.batchChunk));
    return runBatch(requests, chunk, this.options.batchConcurrency, async (items, offset) => {
      const answer = await this.#call(PATHS.batch, {
        items: items.map(numberBody),
      }, true, signal);
      return this.#batchItems(answer, items.length, offset);
    }, signal);
  }

  async registerReferenceNumber(registration: ReferenceRegistration, signal?: AbortSignal): Promise<ReferenceRegistered> {
    const { insurerNumber, symbol, number, branch, birthDate, referenceNumber } = registration;
    // Safe to repeat: registering the same number for the same person again changes nothing.
    const answer = await this.#call(PATHS.referenceNumbers, { insurerNumber, symbol, number, branch, birthDate, referenceNumber }, true, signal);
    if (validators.inquiryResponse(answer) && isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (!validators.referenceRegistrationResponse(answer)) throw toGatewayError(malformed(`registration body ${schemaProblem(validators.referenceRegistrationResponse.errors)}`));
    if (isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (answer.referenceNumber !== referenceNumber) throw toGatewayError(malformed('registration answer names another 照会番号'));
    return { referenceNumber: answer.referenceNumber, previousReferenceNumber: answer.previousReferenceNumber };
  }

  async checkByReference(referenceNumber: string, qualificationConfirmationDate?: string, signal?: AbortSignal): Promise<EligibilityResult> {
    const result = await this.#inquiry(PATHS.reference, { referenceNumber, ...(qualificationConfirmationDate ? { qualificationConfirmationDate } : {}) }, true, signal);
    if (result.referenceNumber !== referenceNumber) throw toGatewayError(malformed(`result /referenceNumber: must be the 照会番号 asked for`));
    return result;
  }

  /** 一括照会, asynchronous: uploads the patients and returns the reception number to fetch by. Not
   * repeated once it may have reached the service (a repeat would be a second reception). */
  async submitBulk(requests: readonly NumberCheckRequest[], signal?: AbortSignal): Promise<{ receptionNumber: string; total: number }> {
    if (requests.length === 0 || requests.length > BULK_MAX) throw new GatewayError('LINE_ERROR', `a 一括照会 carries 1 to ${BULK_MAX} patients (got ${requests.length})`);
    const answer = await this.#call(PATHS.bulk, { items: requests.map(numberBody) }, false, signal);
    if (validators.inquiryResponse(answer) && isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (!validators.bulkUploadResponse(answer)) throw toGatewayError(malformed(`bulk upload body ${schemaProblem(validators.bulkUploadResponse.errors)}`));
    if (answer.total !== requests.length) throw toGatewayError(malformed('bulk upload answer counts another number of patients'));
    return { receptionNumber: answer.receptionNumber, total: answer.total };
  }

  /** The results from `from` on. Asking from n tells the service every result below n is stored
   * (it deletes them): ask from the first index not yet stored, so a crash loses nothing and no
   * stored result comes twice. Safe to repeat. */
  async fetchBulk(receptionNumber: string, from: number, signal?: AbortSignal): Promise<BulkPage> {
    const answer = await this.#call(PATHS.bulkResult, { receptionNumber, from }, true, signal);
    if (validators.inquiryResponse(answer) && isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (!validators.bulkFetchResponse(answer)) throw toGatewayError(malformed(`bulk result body ${schemaProblem(validators.bulkFetchResponse.errors)}`));
    if (isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (answer.receptionNumber !== receptionNumber || answer.ready > answer.total || answer.items.some((item, i) => item.index !== from + i || item.index >= answer.ready)) {
      throw toGatewayError(malformed('bulk result items do not follow from the index asked for'));
    }
    const items = answer.items.map((item): BatchItemResult => {
      const result = item.result ? expandAnswer(item.result) : null;
      const problem = result ? answerProblems(result, { labels: false })[0] : undefined;
      const itemHeader = item.header ?? NORMAL_ITEM;
      if (itemHeader.segmentOfResult === '1' && result && !problem) return { index: item.index, ok: true, result };
      const failure = item.header && isErrorSegment(item.header) ? fromServiceHeader(item.header)
        : problem ? malformed(`result ${problem.field}: ${problem.message}`) : malformed('bulk item without result');
      return { index: item.index, ok: false, code: failure.code, message: failure.message };
    });
    return { receptionNumber, total: answer.total, ready: answer.ready, complete: answer.header.segmentOfResult === '1', items };
  }

  #batchItems(answer: unknown, count: number, offset: number): BatchItemResult[] {
    // A refused batch is an inquiry-shaped error answer (no items); checking that shape first on
    // every answer cost a second walk of a normal answer's header for nothing.
    const hasItems = typeof answer === 'object' && answer !== null && 'items' in answer;
    if (!hasItems && validators.inquiryResponse(answer) && isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (!validators.batchResponse(answer)) throw toGatewayError(malformed(`batch body ${schemaProblem(validators.batchResponse.errors)}`));
    const body: BatchResponseBody = answer;
    if (isErrorSegment(body.header)) throw toGatewayError(fromServiceHeader(body.header));
    if (body.items.length !== count || body.items.some((item, i) => item.index !== i)) {
      throw toGatewayError(malformed('batch items do not match the request'));
    }
    return body.items.map((item, i): BatchItemResult => {
      const result = item.result ? expandAnswer(item.result) : null;
      const problem = result ? answerProblems(result, { labels: false })[0] : undefined;
      const itemHeader = item.header ?? NORMAL_ITEM;
      if (itemHeader.segmentOfResult === '1' && result && !problem) return { index: offset + i, ok: true, result };
      const failure = item.header && isErrorSegment(item.header) ? fromServiceHeader(item.header)
        : problem ? malformed(`result ${problem.field}: ${problem.message}`) : malformed('batch item without result');
      return { index: offset + i, ok: false, code: failure.code, message: failure.message };
    });
  }

  async #inquiry(path: string, body: unknown, repeatable: boolean, signal?: AbortSignal): Promise<EligibilityResult> {
    const answer = await this.#call(path, body, repeatable, signal);
    if (!validators.inquiryResponse(answer)) throw toGatewayError(malformed(`inquiry body ${schemaProblem(validators.inquiryResponse.errors)}`));
    if (isErrorSegment(answer.header)) throw toGatewayError(fromServiceHeader(answer.header));
    if (!answer.result) throw toGatewayError(malformed('normal answer without a result'));
    const problem = answerProblems(answer.result)[0];
    if (problem) throw toGatewayError(malformed(`result ${problem.field}: ${problem.message}`));
    return answer.result;
  }

  /** One logical request: attempts, breaker bookkeeping, and the parsed (not yet validated) body. */
  async #call(path: string, body: unknown, repeatable: boolean, signal?: AbortSignal): Promise<unknown> {
    const payload = Buffer.from(JSON.stringify(body));
    this.#lastActivity = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      if (signal?.aborted) throw signal.reason;
      if (!this.#agent) throw new GatewayError('LINE_DOWN', 'eligibility client not started');
      if (!this.#breaker.tryAcquire()) {
        throw new GatewayError('LINE_DOWN', `eligibility line down (circuit open: ${this.#breaker.lastError})`, { breaker: 'open' });
      }
      let failure: LineFailure;
      const before = this.#breaker.state;
      try {
        const parsed = await this.#attempt(path, payload, signal);
        this.#breaker.success();
        // Any answer counts (card, number, batch, probe): /status shows when the line last worked.
        this.#lastSuccessAt = new Date().toISOString();
        this.#trustProblem = null;
        if (before !== 'closed') this.logger.info({ breaker: 'closed' }, 'eligibility line is back');
        return parsed;
      } catch (error) {
        if (signal?.aborted) { this.#breaker.release(); throw signal.reason; }
        if (!(error instanceof AttemptError)) { this.#breaker.release(); throw error; }
        failure = error.failure;
      }
      if (failure.lineFault) this.#breaker.failure(failure.message); else this.#breaker.success();
      if (/line\.(cert|ca)\b/.test(failure.message)) this.#trustProblem = failure.message;
      if (before === 'closed' && this.#breaker.state === 'open') {
        this.logger.warn({ breaker: 'open', reason: failure.message, cooldownMs: this.options.breakerCooldownMs }, 'eligibility line down: failing fast');
      }
      const mayRepeat = repeatable ? failure.transient : failure.notSent && failure.transient;
      const left = (repeatable ? this.options.retries : Math.min(1, this.options.retries)) - attempt;
      // The idle probe fails every interval while the line is down: once in the breaker is enough.
      const log = path === PATHS.health ? this.logger.debug.bind(this.logger) : this.logger.warn.bind(this.logger);
      log({ path, attempt, code: failure.code, reason: failure.message, retrying: mayRepeat && left > 0 }, 'eligibility request failed');
      if (!mayRepeat || left <= 0) throw toGatewayError(failure, { path, attempts: attempt + 1 });
      await sleep(backoffMs(attempt, this.options.retryBaseMs, 5000), signal);
    }
  }

  #attempt(path: string, payload: Buffer, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const url = new URL(path.replace(/^\//, ''), this.#base);
      const req = request(url, {
        method: 'POST',
        agent: this.#agent ?? undefined,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json' },
      });
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (failure: LineFailure): void => finish(() => { req.destroy(); reject(new AttemptError(failure)); });
      const timeoutError = Object.assign(new Error(`no answer within ${this.options.timeoutMs} ms`), { code: 'ELINE_TIMEOUT' });
      const deadline = setTimeout(() => fail(fromNetworkError(timeoutError, false)), this.options.timeoutMs);
      let connectTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => finish(() => { req.destroy(); reject(signal?.reason); });
      signal?.addEventListener('abort', onAbort, { once: true });
      let freshHandshake = false;
      req.on('socket', (socket) => {
        if (req.reusedSocket) return;
        const connectError = Object.assign(new Error(`no TLS connection within ${this.options.connectTimeoutMs} ms`), { code: 'ECONNECT_TIMEOUT' });
        connectTimer = setTimeout(() => fail(fromNetworkError(connectError, false)), this.options.connectTimeoutMs);
        socket.once('secureConnect', () => { clearTimeout(connectTimer); freshHandshake = true; });
      });
      // TLS 1.3: a server that refuses our client certificate says so after our side of the
      // handshake is done, so we see a reset on a fresh connection, not a handshake error.
      req.on('error', (error) => fail(freshHandshake && !req.reusedSocket ? refusedAfterHandshake(fromNetworkError(error, false)) : fromNetworkError(error, req.reusedSocket)));
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) fail(malformed('body too large'));
          else chunks.push(chunk);
        });
        res.on('error', (error) => fail(fromNetworkError(error, false)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            fail(status >= 500 ? fromHttpStatus(status) : malformed(`not JSON (HTTP ${status})`));
            return;
          }
          if (status === 200) { finish(() => resolve(parsed)); return; }
          // 4xx with a well-formed error header is an answer, not a line fault.
          const header = (parsed as { header?: HeaderBody } | null)?.header;
          if (status >= 400 && status < 500 && validators.inquiryResponse(parsed) && header && isErrorSegment(header)) {
            finish(() => resolve(parsed));
            return;
          }
          fail(status >= 500 ? fromHttpStatus(status) : malformed(`unexpected HTTP ${status}`));
        });
      });
      req.end(payload);
    });
  }
}

/** A by-number request on the wire: the fields the service knows, the optional ones only when set. */
function numberBody(req: NumberCheckRequest): NumberInquiryBody {
  const { insurerNumber, symbol, number, branch, birthDate } = req;
  return {
    insurerNumber, symbol, number, branch, birthDate,
    ...(req.qualificationConfirmationDate ? { qualificationConfirmationDate: req.qualificationConfirmationDate } : {}),
    ...(req.limitConsent !== undefined ? { limitApplicationCertificateRelatedConsFlg: req.limitConsent ? '1' as const : '0' as const } : {}),
  };
}

/** The first schema error of an answer, named by its field (ajv's instancePath). */
function schemaProblem(errors: readonly { instancePath: string; message?: string; params?: unknown }[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return '';
  const extra = (first.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  const field = typeof extra === 'string' ? `${first.instancePath}/${extra}` : first.instancePath || '/';
  return `${field}: ${typeof extra === 'string' ? 'is not a known element' : (first.message ?? 'is invalid')}`;
}
