import { Type, type Static } from '@sinclair/typebox';
import { PathOption } from '../../vocabulary/path-option.js';
import { fromRoot } from '../../vocabulary/paths.js';

/** The 'sim' line's test PKI when line.sim.pkiDir is empty: made by scripts/gen-test-pki.sh, never for production. */
export const DEFAULT_PKI_DIR = fromRoot('var', 'pki');

const ms = (min: number, def: number, description: string) => Type.Integer({ minimum: min, maximum: 600000, default: def, description });

export const LineConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('https')], {
      default: 'sim',
      description: "'https' for the eligibility service over mutual TLS; 'sim' starts the reference service in-process on 127.0.0.1 with the test PKI and talks to it over real mutual TLS",
    }),
    url: Type.String({ default: '', description: 'https: base URL of the eligibility service, e.g. https://oqs.example:8443' }),
    ca: PathOption('', 'https: PEM file of the pinned service CA (the only CA trusted for the line)'),
    cert: PathOption('', "https: PEM file of the clinic's client certificate"),
    key: PathOption('', 'https: PEM file of the client key (must be mode 0600, or the daemon refuses to start)'),
    timeoutMs: Type.Integer({ minimum: 500, maximum: 120000, default: 10000, description: 'Timeout of one request' }),
    connectTimeoutMs: ms(100, 3000, 'Timeout for the TCP + TLS connection; a line that cannot connect is down'),
    retries: Type.Integer({ minimum: 0, maximum: 5, default: 2, description: 'Extra attempts, with jittered backoff, for requests safe to repeat (challenge, by number, batch); card checks are only re-sent when they provably never left' }),
    retryBaseMs: ms(10, 200, 'First retry waits up to this long (full jitter), doubling each time'),
    breakerThreshold: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Consecutive line failures that open the circuit breaker (then calls fail at once with LINE_DOWN)' }),
    breakerCooldownMs: ms(100, 15000, 'How long the breaker stays open before one probe request is let through'),
    batchChunk: Type.Integer({ minimum: 1, maximum: 500, default: 200, description: 'Patients per batch (一括照会) request' }),
    probeIntervalMs: Type.Integer({ minimum: 0, maximum: 3600000, default: 30000, description: 'Probe the service this often when there was no traffic, so a dead line is known (and a recovered one found) before the next patient; 0: off' }),
    batchConcurrency: Type.Integer({ minimum: 1, maximum: 16, default: 4, description: 'Batch requests in flight at once' }),
    sim: Type.Object(
      {
        pkiDir: PathOption('', 'sim: test PKI directory (empty: var/pki under the package; generated when missing)'),
        seed: Type.String({ default: 'oqs-demo', description: 'sim: seed of the synthetic register (the same seed gives the same people)' }),
        households: Type.Integer({ minimum: 0, maximum: 100000, default: 1500, description: 'sim: generated households besides the named test people' }),
        latencyMs: Type.Integer({ minimum: 0, maximum: 60000, default: 0, description: 'sim: added latency per request' }),
        faults: Type.String({ default: '', description: "sim: injected faults, e.g. '5xx:0.1,timeout:0.05' (timeout, 5xx, 503, malformed, invalid, reset, tls)" }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type LineConfig = Static<typeof LineConfigSchema>;
