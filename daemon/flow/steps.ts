// Every step of a check-in runs under three stop signals: its own timeout, the card leaving the
// reader, and the daemon shutting down. Whatever the driver does, the step ends with a code.
import { GatewayError, type ResultCode } from '../../vocabulary/result-codes.js';

export interface StepContext {
  readonly cardRemoved: AbortSignal;
  readonly shutdown: AbortSignal;
}

export async function step<T>(
  context: StepContext,
  timeoutMs: number,
  timeoutCode: ResultCode,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  // A ref'd timer, unlike AbortSignal.timeout(): a pending step keeps the process alive.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = AbortSignal.any([context.cardRemoved, context.shutdown, timeout.signal]);
  const reason = (): GatewayError => {
    if (context.cardRemoved.aborted) return new GatewayError('CARD_REMOVED', 'The card left the reader');
    if (context.shutdown.aborted) return new GatewayError('SHUTTING_DOWN', 'The gateway is stopping');
    return new GatewayError(timeoutCode, `No answer within ${timeoutMs} ms`);
  };
  if (signal.aborted) {
    clearTimeout(timer);
    throw reason();
  }
  let onAbort: (() => void) | undefined;
  // A driver that ignores its signal must not hang the flow: race it against the abort.
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([run(signal), aborted]);
  } catch (error) {
    // An abort surfaces from drivers as AbortError; name the real cause instead.
    if (signal.aborted) throw reason();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    aborted.catch(() => {});
  }
}
