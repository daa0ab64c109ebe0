// Turns what can go wrong on the line into result codes. One place decides which failures are the
// line's fault (they feed the circuit breaker and may be retried) and which are answers.
import { GatewayError, type ResultCode } from '../../vocabulary/result-codes.js';
import type { HeaderBody } from './wire.js';

export interface LineFailure {
  readonly code: ResultCode;
  readonly message: string;
  /** The line or service is unwell: counts towards opening the breaker. */
  readonly lineFault: boolean;
  /** Repeating the same request may succeed (only used for requests safe to repeat). */
  readonly transient: boolean;
  /** The request provably never reached the service, so even a card request may be re-sent. */
  readonly notSent: boolean;
  /** The service's own error code (header.errorCode) when it refused the request. */
  readonly serviceError?: string;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNECT_TIMEOUT']);
const TRANSIENT = new Set([...NOT_SENT, 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/** Errors of the TLS layer: untrusted or wrong certificates, handshake failures. */
function isTlsError(code: string, message: string): boolean {
  return code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    /SSL|TLS|certificate|handshake/i.test(message);
}

export function fromNetworkError(error: unknown, reusedSocket: boolean): LineFailure {
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = e instanceof Error ? e.message : String(error);
  if (code === 'ELINE_TIMEOUT') {
    return { code: 'LINE_TIMEOUT', message, lineFault: true, transient: true, notSent: false };
  }
  if (code === 'ECONNECT_TIMEOUT') {
    return { code: 'LINE_DOWN', message, lineFault: true, transient: true, notSent: true };
  }
  if (isTlsError(code, message)) {
    // A server presenting the wrong certificate will not fix itself by asking again.
    const trust = code.includes('CERT') || code.startsWith('ERR_TLS') || code.includes('VERIFY') || /certificate/i.test(message);
    // Name the config key to look at: theirs not trusted by line.ca (or another host: line.url),
    // or ours refused in the handshake (an alert: unknown CA, bad certificate) -> line.cert.
    const alert = /alert/i.test(code + message);
    const hint = alert ? 'the service refused our client certificate: check line.cert / line.key are the registered pair'
      : trust ? "the service's certificate does not chain to line.ca (or is for another host): check line.ca and line.url"
        : 'TLS handshake failed: check line.url, line.ca and line.cert';
    return { code: 'LINE_DOWN', message: `TLS: ${code || message} (${hint})`, lineFault: true, transient: !trust && !alert, notSent: true };
  }
  const notSent = NOT_SENT.has(code) || (reusedSocket && code === 'ECONNRESET');
  return { code: 'LINE_DOWN', message: `${code || 'network'}: ${message}`, lineFault: true, transient: TRANSIENT.has(code) || message === 'socket hang up', notSent };
}

/** A reset right after a fresh TLS handshake: the TLS 1.3 way of refusing our client certificate. */
export function refusedAfterHandshake(failure: LineFailure): LineFailure {
  if (!/ECONNRESET|socket hang up|EPIPE/.test(failure.message)) return failure;
  return { ...failure, message: `${failure.message} right after the TLS handshake (the service refused our client certificate? check line.cert / line.key are the registered pair)` };
}

export function fromHttpStatus(status: number): LineFailure {
  if (status === 503 || status === 502 || status === 504) {
    return { code: 'LINE_DOWN', message: `service unavailable (HTTP ${status})`, lineFault: true, transient: true, notSent: false };
  }
  return { code: 'LINE_ERROR', message: `service error (HTTP ${status})`, lineFault: status >= 500, transient: status >= 500, notSent: false };
}

export function malformed(what: string): LineFailure {
  return { code: 'LINE_ERROR', message: `malformed answer: ${what}`, lineFault: true, transient: true, notSent: false };
}

/** The result code for an error the service reported in its header. */
export function codeForServiceError(errorCode: string | null): ResultCode {
  switch (errorCode) {
    case 'CERT_UNTRUSTED':
    case 'CERT_EXPIRED':
    case 'CERT_REVOKED':
      return 'CERT_INVALID';
    case 'INTERNAL':
      return 'LINE_ERROR';
    default:
      // PROOF_*, CHALLENGE_UNKNOWN, BAD_REQUEST and codes we do not know: a fault to look into.
      return 'LINE_ERROR';
  }
}

export function fromServiceHeader(header: HeaderBody): LineFailure {
  return {
    code: codeForServiceError(header.errorCode),
    message: `service: ${header.errorCode ?? 'error'}${header.errorMessage ? ` (${header.errorMessage})` : ''}`,
    lineFault: header.errorCode === 'INTERNAL',
    ...(header.errorCode ? { serviceError: header.errorCode } : {}),
    transient: false,
    notSent: false,
  };
}

export function toGatewayError(failure: LineFailure, details: Record<string, unknown> = {}): GatewayError {
  return new GatewayError(failure.code, failure.message, failure.serviceError ? { serviceError: failure.serviceError, ...details } : details);
}
