// Structured JSON logs (pino). Patient data is redacted by key wherever it appears, so a careless
// log call cannot leak it (invariant 6); PINs are PinDigits objects that print as "[PIN]".
import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys that may carry patient data; any log object holding them prints "[redacted]". */
export const REDACTED_KEYS = [
  'name', 'nameKana', 'address', 'postcode', 'birthDate', 'insurance', 'insurerNumber', 'symbol', 'number', 'branch',
  'person', 'results', 'birthdate', 'insuredName', 'nameOfOther', 'nameOfOtherKana', 'postNumber',
  'insuredCardSymbol', 'insuredIdentificationNumber', 'insuredBranchNumber', 'referenceNumber', 'certificate', 'photo', 'pin', 'digits', 'signature', 'individualNumber', 'myNumber', 'payload', 'patient',
] as const;

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'oqs-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** For tests and CLI commands that must stay quiet. */
export const silentLogger: Logger = pino({ level: 'silent' });
