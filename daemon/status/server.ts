// The HTTP status endpoint. Loopback by default; bound anywhere else it insists on a bearer token,
// so a clinic LAN cannot read the box's state (or scrape it) without being given the token.
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { ConfigError } from '../../vocabulary/config-error.js';
import type { StatusConfig } from './config.js';

export interface Routes {
  healthz(): Promise<{ status: number; body: unknown }>;
  readyz(): Promise<{ status: number; body: unknown }>;
  status(): Promise<{ status: number; body: unknown }>;
  metrics(): Promise<{ status: number; text: string; contentType: string }>;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Throws ConfigError naming the key and the fix when the endpoint would be open without a token. */
export function checkStatusConfig(config: StatusConfig): void {
  if (!isLoopback(config.host) && config.token === '') {
    throw new ConfigError('status.token', [
      `status.host: ${JSON.stringify(config.host)} is not loopback, so status.token is required; set a random token of 16+ characters (e.g. openssl rand -hex 24), or set status.host: 127.0.0.1`,
    ]);
  }
  if (config.token !== '' && config.token.length < 16) {
    throw new ConfigError('status.token', ['status.token: is shorter than 16 characters; use a random token, e.g. openssl rand -hex 24']);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(req: IncomingMessage, token: string): boolean {
  if (token === '') return true;
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  // Compare digests so the comparison takes the same time whatever the length of the guess.
  return match !== null && timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class StatusServer {
  #server: Server | null = null;

  constructor(private readonly config: StatusConfig, private readonly routes: Routes, private readonly onError: (error: unknown) => void) {}

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    checkStatusConfig(this.config);
    const server = createServer((req, res) => void this.#handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', this.onError);
    this.#server = server;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!authorized(req, this.config.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        return send(res, 401, JSON.stringify({ error: 'a bearer token is required (Authorization: Bearer TOKEN)' }) + '\n', 'application/json');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, JSON.stringify({ error: 'GET only' }) + '\n', 'application/json');
      const path = (req.url ?? '/').split('?')[0];
      switch (path) {
        case '/healthz': case '/readyz': case '/status': {
          const route = path === '/healthz' ? this.routes.healthz : path === '/readyz' ? this.routes.readyz : this.routes.status;
          const { status, body } = await route();
          return send(res, status, JSON.stringify(body, null, 2) + '\n', 'application/json; charset=utf-8');
        }
        case '/metrics': {
          const { status, text, contentType } = await this.routes.metrics();
          return send(res, status, text, contentType);
        }
        default:
          return send(res, 404, JSON.stringify({ error: 'not found', paths: ['/healthz', '/readyz', '/status', '/metrics'] }) + '\n', 'application/json');
      }
    } catch (error) {
      this.onError(error);
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: 'internal error; see the logs' }) + '\n', 'application/json');
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
