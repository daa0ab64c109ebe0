// The reference eligibility service: HTTPS that requires a client certificate from the clinic CA,
// answering from the synthetic register, with injectable latency and faults. Runs in-process for
// the demo and the tests, and as `oqsgw sim eligibility` for vendors' integration labs.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import type { Logger } from '../../../../vocabulary/log.js';
import { BULK_PAGE_MAX, PATHS } from '../../wire.js';
import { readCrl } from './crl.js';
import { ChallengeStore } from './challenges.js';
import { delayFor, NO_FAULTS, pickFault, type FaultKind, type FaultPlan } from './faults.js';
import * as handlers from './handlers.js';
import { seededRandom } from './random.js';
import { generateRegister, type Register } from './register.js';
import { readManifest } from './test-pki.js';
import { ReferenceBook } from './reference-numbers.js';
import { BulkStore } from './bulk.js';

export interface ServiceOptions {
  /** The test PKI tree (scripts/gen-test-pki.sh). */
  readonly pkiDir: string;
  readonly seed?: string;
  readonly households?: number;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly faults?: FaultPlan;
  /** How long a PIN-path challenge stays usable (a queued re-check presents it again). */
  readonly challengeTtlMs?: number;
  /** Override the server's certificate (tests: a rogue server). */
  readonly serverCert?: { readonly cert: Buffer; readonly key: Buffer };
  readonly clock?: () => Date;
  /** Asynchronous 一括照会: results made per second, and how long uncollected results are kept. */
  readonly bulk?: { readonly ratePerSecond?: number; readonly expiryMs?: number };
}

const MAX_BODY = 16 * 1024 * 1024;

export class EligibilityService {
  readonly register: Register;
  #server: Server | null = null;
  #plan: FaultPlan;
  readonly #random = seededRandom('faults');
  readonly #state: handlers.ServiceState;
  readonly #sockets = new Set<Socket>();
  #requests = 0;

  constructor(private readonly options: ServiceOptions, private readonly logger: Logger) {
    this.register = generateRegister({ seed: options.seed, households: options.households });
    this.#plan = options.faults ?? NO_FAULTS;
    const dir = options.pkiDir;
    const ca = new X509Certificate(readFileSync(join(dir, 'jpki', 'ca.pem')));
    const crl = readCrl(readFileSync(join(dir, 'jpki', 'crl.pem')), ca);
    const holders = new Map((readManifest(dir)?.people ?? []).map((p) => [p.serial.toUpperCase(), p.id]));
    this.#state = {
      register: this.register,
      trust: { ca, crl, holders },
      challenges: new ChallengeStore(options.challengeTtlMs ?? 24 * 3600 * 1000),
      now: options.clock ?? (() => new Date()),
      registeredAtReader: new Set(),
      references: new ReferenceBook(),
      bulk: new BulkStore({ ratePerSecond: options.bulk?.ratePerSecond ?? 2000, expiryMs: options.bulk?.expiryMs ?? 24 * 3600 * 1000, pageMax: BULK_PAGE_MAX }),
    };
  }

  get url(): string {
    const address = this.#server?.address();
    if (!address || typeof address === 'string') throw new Error('eligibility service not listening');
    return `https://localhost:${address.port}`;
  }

  get port(): number { return new URL(this.url).port === '' ? 443 : Number(new URL(this.url).port); }

  /** Requests answered or faulted since start (for tests and the bench). */
  get requests(): number { return this.#requests; }

  setFaults(plan: FaultPlan): void { this.#plan = plan; }

  /** Asynchronous 一括照会 uploads taken since start (tests). */
  get bulkUploads(): number { return this.#state.bulk.uploads; }

  async start(): Promise<string> {
    const dir = this.options.pkiDir;
    const server = createServer({
      cert: this.options.serverCert?.cert ?? readFileSync(join(dir, 'service', 'server.pem')),
      key: this.options.serverCert?.key ?? readFileSync(join(dir, 'service', 'server.key')),
      ca: readFileSync(join(dir, 'clinic', 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    }, (req, res) => { void this.#handle(req, res); });
    server.keepAliveTimeout = 30000;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      if (pickFault(this.#plan, this.#random, ['tls'])) {
        // Not a TLS record: the client's handshake fails.
        socket.end('HTTP/1.0 400 not tls\r\n\r\n');
      }
    });
    server.on('tlsClientError', (error) => this.logger.debug({ err: error.message }, 'eligibility service: TLS client refused'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    this.#server = server;
    this.logger.info({ url: this.url, people: this.register.entries.length }, 'eligibility service listening');
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#requests += 1;
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      send(res, 400, { error: 'body is not JSON' });
      return;
    }
    const fault = pickFault(this.#plan, this.#random, ['timeout', '5xx', '503', 'malformed', 'invalid', 'reset', 'tls']);
    const delay = delayFor(this.#plan, this.#random);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault) { this.#fault(fault, req, res); return; }
    const reply = this.#route(req, body);
    this.logger.debug({ path: req.url, status: reply.status }, 'eligibility service answered');
    send(res, reply.status, reply.body);
  }

  #route(req: IncomingMessage, body: unknown): handlers.Reply {
    if (req.method !== 'POST' && req.url !== PATHS.health) return { status: 405, body: { error: 'POST only' } };
    const institution = institutionOf(req.socket as TLSSocket);
    switch (req.url) {
      case PATHS.challenge: return handlers.challenge(this.#state);
      case PATHS.card: return handlers.byCard(this.#state, body, institution);
      case PATHS.number: return handlers.byNumber(this.#state, body, institution);
      case PATHS.batch: return handlers.batch(this.#state, body, institution);
      case PATHS.referenceNumbers: return handlers.registerReference(this.#state, body, institution);
      case PATHS.reference: return handlers.byReference(this.#state, body, institution);
      case PATHS.bulk: return handlers.bulkUpload(this.#state, body, institution);
      case PATHS.bulkResult: return handlers.bulkFetch(this.#state, body, institution);
      case PATHS.health: return { status: 200, body: { ok: true, people: this.register.entries.length } };
      default: return { status: 404, body: { error: 'no such path' } };
    }
  }

  #fault(kind: FaultKind, req: IncomingMessage, res: ServerResponse): void {
    this.logger.debug({ path: req.url, fault: kind }, 'eligibility service: injected fault');
    switch (kind) {
      case 'timeout': return; // never answer; the socket goes when the client gives up or we stop
      case '5xx': res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal Server Error</body></html>'); return;
      case '503': res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '30' }).end('<html><body>Service Unavailable</body></html>'); return;
      case 'malformed': res.writeHead(200, { 'content-type': 'application/json' }).end('{"header": {"segmentOfResult": "norm'); return;
      case 'invalid': send(res, 200, { header: { segmentOfResult: 'normal' }, result: { status: 'maybe', person: 42 } }); return;
      case 'reset':
      case 'tls': req.socket.destroy(); return;
    }
  }
}

/** The institution a request comes from: the O= of the clinic's client certificate (every terminal
 * of one clinic holds one issued to it), read once per connection. */
const institutions = new WeakMap<TLSSocket, string>();
function institutionOf(socket: TLSSocket): string {
  const name = institutions.get(socket);
  if (name === undefined) {
    const subject = socket.getPeerCertificate?.()?.subject;
    const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
    const found: string = first(subject?.O) ?? first(subject?.CN) ?? '';
    institutions.set(socket, found);
    return found;
  }
  return name;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  // Encoded once: the length and the bytes sent come from the same buffer (a batch answer is ~0.5 MB).
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length }).end(bytes);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) { reject(new Error('too large')); req.destroy(); } else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try { resolve(text === '' ? {} : JSON.parse(text)); } catch (error) { reject(error); }
    });
    req.on('error', reject);
  });
}
