// Request files: a receipt computer drops an official request into req/; the gateway answers it in
// res/ under the matching result name, then removes the request. The order of steps makes a kill
// at any point safe: the answer is written atomically before the request goes, and a request whose
// answer already exists (newer than the request) is only removed, never answered twice. A file
// that cannot be served is answered with an error result and moved to req-rejected/, so it never
// blocks the files after it.
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { EligibilityClient } from '../../drivers/line/eligibility.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { Logger } from '../../vocabulary/log.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import { writeFileAtomic } from './atomic-file.js';
import {
  batchAnswerDocument, cardResultAnswerDocument, errorAnswerDocument, numberAnswerDocument, parseOfficialRequest, RequestProblem,
  responseNameFor, type AnswerContext, type BatchOutcome, type OfficialRequest,
} from './official-xml.js';
import { parseXmlFile, renderXml, XmlFileError, type XmlNode } from './xml-text.js';

export interface RequestDeps {
  readonly folder: string;
  readonly line: EligibilityClient;
  readonly medicalInstitutionCode: string;
  readonly maxBatchPatients: number;
  readonly settleMs: number;
  readonly concurrency: number;
  /** A stored check-in by event id (for requests by card-reader result), or null. */
  readonly checkinById: (eventId: string) => Promise<CheckinEvent | null>;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

export interface RequestCounts {
  answered: number;
  rejected: number;
  failed: number;
  /** Found already answered (after a restart) and only removed. */
  alreadyAnswered: number;
  /** Could not be served this time (unreadable, result not writable); left for the next scan. */
  retried: number;
}

/** Larger than any real request (a batch of 5,000 patients is about 2 MB): refused unread. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** A request understood but not served, with the named code the error result carries. */
export class AnswerError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'BATCH_TOO_LARGE', message: string) {
    super(message);
  }
}

export const REQUEST_FILE = /^[^.].*\.xml$/i;

export class RequestFolder {
  readonly counts: RequestCounts = { answered: 0, rejected: 0, failed: 0, alreadyAnswered: 0, retried: 0 };
  #inFlight = new Set<string>();
  #lastFileError: string | null = null;

  constructor(private readonly deps: RequestDeps) {}

  get req() { return join(this.deps.folder, 'req'); }
  get res() { return join(this.deps.folder, 'res'); }
  get rejected() { return join(this.deps.folder, 'req-rejected'); }

  /** One look at req/: serves every settled request file, `concurrency` at a time. Throws when the folder is unavailable. */
  async scan(): Promise<number> {
    await mkdir(this.req, { recursive: true });
    await mkdir(this.res, { recursive: true });
    const names = (await readdir(this.req)).filter((n) => REQUEST_FILE.test(n) && !this.#inFlight.has(n)).sort();
    const now = (this.deps.now ?? Date.now)();
    const ready: string[] = [];
    for (const name of names) {
      const info = await stat(join(this.req, name)).catch(() => null);
      // Still being copied (changed within settleMs), or gone meanwhile, or not a file: not now.
      if (info?.isFile() && now - info.mtimeMs >= this.deps.settleMs) ready.push(name);
    }
    let next = 0;
    let served = 0;
    const worker = async () => {
      while (next < ready.length && !this.deps.signal.aborted) {
        const name = ready[next++];
        if (name === undefined) return;
        this.#inFlight.add(name);
        try {
          await this.#serve(name);
          served++;
        } catch (error) {
          // One file that cannot be read or answered now (permissions, a share hiccup) must not hold
          // up the others: it stays in req/ and is tried again at the next scan.
          this.counts.retried++;
          const message = error instanceof Error ? error.message : String(error);
          if (this.#lastFileError !== message) this.deps.logger.warn({ file: name, err: message }, 'request file not served now; tried again at the next scan');
          this.#lastFileError = message;
        } finally {
          this.#inFlight.delete(name);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency, ready.length) }, worker));
    return served;
  }

  async #serve(name: string): Promise<void> {
    const requestPath = join(this.req, name);
    const responsePath = join(this.res, responseNameFor(name));
    const [request, response] = await Promise.all([stat(requestPath).catch(() => null), stat(responsePath).catch(() => null)]);
    if (!request) return;
    if (response?.isFile() && response.mtimeMs >= request.mtimeMs) {
      // Answered before a restart; only the removal was missing.
      await unlink(requestPath).catch(() => {});
      this.counts.alreadyAnswered++;
      return;
    }
    const ctx: AnswerContext = { medicalInstitutionCode: this.deps.medicalInstitutionCode, now: new Date((this.deps.now ?? Date.now)()).toISOString() };
    let parsed: OfficialRequest;
    try {
      if (request.size > MAX_REQUEST_BYTES) throw new XmlFileError(`the file is larger than ${MAX_REQUEST_BYTES} bytes`);
      const { root, value } = parseXmlFile(await readFile(requestPath));
      parsed = parseOfficialRequest(name, root, value);
    } catch (error) {
      if (!(error instanceof XmlFileError || error instanceof RequestProblem)) throw error;
      await writeFileAtomic(responsePath, renderXml(errorAnswerDocument(null, 'INVALID_REQUEST', error.message, ctx)).bytes);
      await mkdir(this.rejected, { recursive: true });
      await rename(requestPath, join(this.rejected, name)).catch(async () => unlink(requestPath).catch(() => {}));
      this.counts.rejected++;
      this.deps.logger.warn({ file: name, problem: error.message }, 'request file rejected; answered with an error result and moved to req-rejected/');
      return;
    }
    let answer: XmlNode;
    try {
      answer = await this.#answer(parsed, ctx);
      this.counts.answered++;
    } catch (error) {
      const known = error instanceof GatewayError || error instanceof AnswerError;
      const code = known ? error.code : 'INTERNAL_ERROR';
      const message = known ? error.message : 'the gateway could not serve this request; see its log';
      if (!known) this.deps.logger.error({ file: name, err: String(error) }, 'request file failed');
      answer = errorAnswerDocument(parsed, code, message, ctx);
      this.counts.failed++;
    }
    await writeFileAtomic(responsePath, renderXml(answer).bytes);
    await unlink(requestPath).catch(() => {});
  }

  async #answer(request: OfficialRequest, ctx: AnswerContext): Promise<XmlNode> {
    switch (request.kind) {
      case 'number':
        return numberAnswerDocument(request, await this.deps.line.checkByNumber(request.check, this.deps.signal), ctx);
      case 'card-result': {
        const event = await this.deps.checkinById(request.eventId);
        if (!event?.eligibility) throw new AnswerError('NOT_FOUND', 'no answered check-in with that identifier is stored (kept retentionHours after delivery)');
        return cardResultAnswerDocument(request, event, ctx);
      }
      case 'batch': {
        if (request.checks.length > this.deps.maxBatchPatients) {
          throw new AnswerError('BATCH_TOO_LARGE', `at most ${this.deps.maxBatchPatients} patients per batch (ehr.maxBatchPatients); split the file`);
        }
        const runnable = request.checks.flatMap((c, i) => (c.ok ? [{ i, check: c.check }] : []));
        const results = runnable.length ? await this.deps.line.checkBatch(runnable.map((r) => r.check), this.deps.signal) : [];
        const outcomes: BatchOutcome[] = request.checks.map((c): BatchOutcome => {
          if (!c.ok) return { ok: false, code: 'INVALID_REQUEST', message: c.problem, referenceNumber: c.referenceNumber };
          const at = runnable.findIndex((r) => r.check === c.check);
          const item = results.find((r) => r.index === at);
          if (!item) return { ok: false, code: 'INTERNAL_ERROR', message: 'no answer for this patient', referenceNumber: c.referenceNumber };
          return item.ok ? { ok: true, check: c.check, result: item.result, referenceNumber: c.referenceNumber } : { ok: false, code: item.code, message: item.message, referenceNumber: c.referenceNumber };
        });
        return batchAnswerDocument(request, outcomes, ctx);
      }
    }
  }
}
