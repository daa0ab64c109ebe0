// The line's last success and last error as seen from check-ins (the client itself keeps only its
// breaker state): times and result codes, nothing about whom the check was for.
import type { CheckinEvent } from '../flow/checkin-event.js';

const LINE_CODES = new Set(['LINE_DOWN', 'LINE_TIMEOUT', 'LINE_ERROR']);

export class LineTracker {
  lastSuccessAt: string | null = null;
  lastError: { readonly at: string; readonly code: string } | null = null;

  observe(event: CheckinEvent): void {
    if (event.eligibility) this.lastSuccessAt = event.time;
    else if (LINE_CODES.has(event.result.code)) this.lastError = { at: event.time, code: event.result.code };
  }
}
