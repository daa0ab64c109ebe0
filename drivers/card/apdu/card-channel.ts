// One card's command channel: the allowlist guard, a timeout per command, removal, GET RESPONSE
// (61xx) and re-issue with the right Le (6Cxx). The JPKI code talks only to this.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { encodeCommand, parseResponse, type CommandApdu, type ResponseApdu } from './apdu.js';
import { selectApp, selectFile, ApduGuard, type AllowedApp, type AllowedFile } from './allowlist.js';
import { CLA, INS, LIMITS } from './constants.js';
import { expectOk, SW1 } from './status-words.js';
import type { ApduTransport } from './transport.js';

export interface CardChannelOptions {
  readonly timeoutMs: number;
  /** Aborted when the card leaves the reader. */
  readonly removed: AbortSignal;
}

export class CardChannel {
  readonly #transport: ApduTransport;
  readonly #options: CardChannelOptions;
  readonly #guard = new ApduGuard();
  #apdus = 0;

  constructor(transport: ApduTransport, options: CardChannelOptions) {
    this.#transport = transport;
    this.#options = options;
  }

  /** APDUs exchanged so far (GET RESPONSE and re-issues included); for the benchmark. */
  get apduCount(): number { return this.#apdus; }

  /** Forget which application is open (after a card reset): the next select re-opens it. */
  resetSelection(): void { this.#guard.reset(); }

  async select<A extends AllowedApp>(app: A, file?: AllowedFile<A>, signal?: AbortSignal): Promise<void> {
    if (this.#guard.currentApp !== app) {
      const r = await this.send(selectApp(app), signal);
      expectOk(r.sw, `SELECT ${app}`);
    }
    if (file !== undefined) {
      const r = await this.send(selectFile(app, file), signal);
      expectOk(r.sw, `SELECT ${app}/${String(file)}`);
    }
  }

  /** Sends a command and follows 61xx / 6Cxx; returns the final data and status word. */
  async send(cmd: CommandApdu, signal?: AbortSignal, options: { sensitive?: boolean } = {}): Promise<ResponseApdu> {
    const encoded = encodeCommand(cmd);
    let response: ResponseApdu;
    try {
      response = await this.#exchange(encoded, signal);
    } finally {
      // A PIN or 照合番号B must not linger in a buffer we own.
      if (options.sensitive) encoded.fill(0);
    }
    const chunks: Buffer[] = [];
    for (let hops = 0; ; hops++) {
      const sw1 = response.sw >> 8;
      if (sw1 !== SW1.moreData && sw1 !== SW1.wrongLe) break;
      if (hops >= LIMITS.maxChainedResponses) throw new GatewayError('CARD_ERROR', 'card keeps chaining responses');
      const le = (response.sw & 0xff) || 256;
      if (sw1 === SW1.moreData) {
        chunks.push(response.data);
        response = await this.#exchange(encodeCommand({ cla: CLA.iso, ins: INS.getResponse, p1: 0, p2: 0, le }), signal);
      } else {
        if (options.sensitive) throw new GatewayError('CARD_ERROR', 'card asked to repeat a secret command');
        response = await this.#exchange(encodeCommand({ ...cmd, le }), signal);
      }
    }
    if (chunks.length === 0) return response;
    const data = Buffer.concat([...chunks, response.data]);
    if (data.length > LIMITS.maxFileBytes) throw new GatewayError('CARD_ERROR', 'chained response too long');
    return { data, sw: response.sw };
  }

  async #exchange(raw: Buffer, signal?: AbortSignal): Promise<ResponseApdu> {
    this.#guard.check(raw);
    const { removed, timeoutMs } = this.#options;
    // A referenced timer, unlike AbortSignal.timeout(): a silent card must not let the process
    // fall out of its event loop with the command still pending.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const combined = AbortSignal.any(signal ? [removed, timeout.signal, signal] : [removed, timeout.signal]);
    const outcome = (): GatewayError => {
      if (removed.aborted) return new GatewayError('CARD_REMOVED', 'card removed during a command');
      if (signal?.aborted) {
        return signal.reason instanceof GatewayError ? signal.reason : new GatewayError('CARD_TIMEOUT', 'card command aborted by the caller');
      }
      return new GatewayError('CARD_TIMEOUT', `card did not answer within ${timeoutMs} ms`);
    };
    if (combined.aborted) { clearTimeout(timer); throw outcome(); }
    this.#apdus++;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(outcome());
      combined.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // Raced, not trusted: a transport that ignores the signal still cannot hang us.
      const answer = await Promise.race([this.#transport.transmit(raw, combined), aborted]);
      const response = parseResponse(answer);
      this.#guard.observe(response.sw); // a SELECT is real only once the card said 90 00
      return response;
    } catch (error) {
      this.#guard.lost();
      if (combined.aborted) throw outcome();
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('CARD_ERROR', `card transport failed: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      clearTimeout(timer);
      if (onAbort) combined.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }
}
