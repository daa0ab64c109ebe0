// Doctor check of the eligibility line: the certificates' expiry, then a real mutual-TLS handshake
// and GET /v1/health, whose Date header also tells how far our clock is off.
import { request } from 'node:https';
import { join } from 'node:path';
import type { GatewayConfig } from '../../../config/schema.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { silentLogger } from '../../../vocabulary/log.js';
import { SimEligibilityLine } from '../../../drivers/line/sim/sim-eligibility-client.js';
import { loadTlsMaterial, type TlsMaterial } from '../../../drivers/line/tls-files.js';
import { PATHS } from '../../../drivers/line/wire.js';
import { DEFAULT_PKI_DIR } from '../../../drivers/line/config.js';
import { lineCertExpiries } from '../certs.js';
import { certWarnings } from '../warnings.js';
import { errorText, fail, ok, warn, type CheckResult } from './result.js';

export interface LineProbe {
  readonly result: CheckResult;
  /** Seconds our clock is ahead (+) of the service's, when the service answered. */
  readonly skewSeconds: number | null;
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at line.url: check the URL, the VPN/router of the secure line, and the firewall',
  ENOTFOUND: 'line.url\'s host name does not resolve: check the URL and DNS',
  ETIMEDOUT: 'no answer from line.url: check the secure line (router/VPN) and the firewall',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the service presented a certificate line.ca does not vouch for: check line.ca and line.url',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the service\'s certificate does not chain to line.ca: check line.ca and line.url',
  SELF_SIGNED_CERT_IN_CHAIN: 'the service\'s certificate does not chain to line.ca: check line.ca and line.url',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the service\'s certificate is for another host name: check line.url',
  CERT_HAS_EXPIRED: 'a certificate in the handshake has expired: renew it (docs/operations.md, "Certificate renewal")',
};

function probe(url: string, tls: TlsMaterial, timeoutMs: number): Promise<{ status: number; date: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(PATHS.health, url), {
      method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true, minVersion: 'TLSv1.2', timeout: timeoutMs, agent: false,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, date: res.headers.date ?? null }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** Seconds our clock is ahead of the service's (from its Date header), or null when unreachable. */
export async function lineClockSkew(url: string, tls: TlsMaterial, timeoutMs: number): Promise<number | null> {
  const sentAt = Date.now();
  const { date } = await probe(url, tls, timeoutMs).catch(() => ({ date: null }));
  return date ? skewOf(sentAt, Date.now(), date) : null;
}

// The service's clock is taken at the midpoint of the round trip; Date has 1 s resolution, so the
// result is good to about a second, plenty for a 60 s limit.
const skewOf = (sentAt: number, receivedAt: number, date: string) => ((sentAt + receivedAt) / 2 - Date.parse(date)) / 1000;

/** The line's URL and TLS files as the running gateway uses them (sim: its in-process service). */
export function lineEndpoint(config: GatewayConfig, simPort: number | null): { url: string; tls: TlsMaterial } | null {
  try {
    if (config.line.driver === 'https') return { url: config.line.url, tls: loadTlsMaterial(config.line) };
    if (simPort === null) return null;
    const dir = config.line.sim.pkiDir || DEFAULT_PKI_DIR;
    return { url: `https://localhost:${simPort}`, tls: loadTlsMaterial({ ca: join(dir, 'service', 'ca.pem'), cert: join(dir, 'clinic', 'client.pem'), key: join(dir, 'clinic', 'client.key') }) };
  } catch {
    return null;
  }
}

async function handshake(url: string, tls: TlsMaterial, timeoutMs: number, certNote: CheckResult | null): Promise<LineProbe> {
  const sentAt = Date.now();
  try {
    const { status, date } = await probe(url, tls, timeoutMs);
    const skewSeconds = date ? skewOf(sentAt, Date.now(), date) : null;
    if (status !== 200) return { result: fail('line', `mutual TLS up, but ${PATHS.health} answered HTTP ${status}`, 'the service refused us: check the client certificate is the one registered for this clinic'), skewSeconds };
    return { result: certNote ?? ok('line', `mutual TLS handshake with ${new URL(url).host} OK; certificates valid`), skewSeconds };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const hint = HINTS[code] ?? (/alert|handshake|certificate/i.test(errorText(error)) ? 'the service refused our client certificate: check line.cert/line.key are the registered pair' : 'check line.url and the secure line');
    return { result: fail('line', `cannot reach ${url}: ${errorText(error)}`, hint), skewSeconds: null };
  }
}

export async function checkLine(config: GatewayConfig): Promise<LineProbe> {
  const warnings = certWarnings(lineCertExpiries(config.line), config.ops.certWarnDays);
  const expired = warnings.find((w) => w.code !== 'CERT_EXPIRING');
  if (expired) return { result: fail('line', expired.message, expired.action), skewSeconds: null };
  const expiring = warnings[0] ? warn('line', warnings[0].message, warnings[0].action) : null;

  if (config.line.driver === 'sim') {
    // The reference service in-process: the same handshake code, against the test PKI.
    const sim = new SimEligibilityLine(config.line, silentLogger);
    try {
      await sim.start();
      const endpoint = lineEndpoint(config, sim.service?.port ?? null);
      if (!endpoint) throw new Error('the test PKI could not be read');
      const probed = await handshake(endpoint.url, endpoint.tls, config.line.timeoutMs, expiring);
      return probed.result.level === 'OK' ? { ...probed, result: ok('line', 'simulated eligibility service (line.driver: sim): mutual TLS handshake OK') } : probed;
    } catch (error) {
      return { result: fail('line', `simulated line did not start: ${errorText(error)}`, 'check line.sim settings; run scripts/gen-test-pki.sh'), skewSeconds: null };
    } finally {
      await sim.stop().catch(() => {});
    }
  }
  if (!/^https:\/\/[^/]/.test(config.line.url)) {
    return { result: fail('line', `line.url ${JSON.stringify(config.line.url)} is not an https:// URL`, "set line.url to the service's https:// URL"), skewSeconds: null };
  }
  let tls: TlsMaterial;
  try {
    tls = loadTlsMaterial(config.line);
  } catch (error) {
    const text = error instanceof ConfigError ? error.problems.join('; ') : errorText(error);
    return { result: fail('line', text, 'fix the line.ca / line.cert / line.key files as the message says'), skewSeconds: null };
  }
  return handshake(config.line.url, tls, config.line.connectTimeoutMs + config.line.timeoutMs, expiring);
}
