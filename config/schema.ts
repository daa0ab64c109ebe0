// The one config schema: it validates the YAML, fills defaults, and documents every key
// (`oqsgw config schema` prints it; config/example.yaml follows it). Driver sections live with
// their drivers so that a driver's options are defined once, beside the code that reads them.
import { Type, type Static } from '@sinclair/typebox';
import { CardConfigSchema } from '../drivers/card/config.js';
import { FaceConfigSchema } from '../drivers/face/config.js';
import { PanelConfigSchema } from '../drivers/panel/config.js';
import { LineConfigSchema } from '../daemon/line/config.js';
import { MqttConfigSchema } from '../daemon/mqtt/config.js';
import { CONSENT_ITEMS } from '../daemon/domain/consent.js';
import { StatusConfigSchema } from '../daemon/status/config.js';
import { OpsConfigSchema } from '../daemon/ops/config.js';
import { PathOption } from './path-option.js';

const ms = (def: number, description: string) =>
  Type.Integer({ minimum: 100, maximum: 600000, default: def, description });

export const FlowConfigSchema = Type.Object(
  {
    identityMethods: Type.Array(Type.Union([Type.Literal('face'), Type.Literal('pin'), Type.Literal('visual')]), {
      minItems: 1, uniqueItems: true, default: ['face', 'pin'],
      description: 'Identity methods offered, in order; a failed face match falls back to the next one',
    }),
    consentItems: Type.Array(Type.Union(CONSENT_ITEMS.map((i) => Type.Literal(i))), {
      uniqueItems: true, default: [...CONSENT_ITEMS],
      description: 'Consent questions asked on the reader',
    }),
    pinAttemptsPerVisit: Type.Integer({ minimum: 1, maximum: 2, default: 2, description: 'PIN entries allowed per visit (the card locks after 3 wrong in total)' }),
    cardReadTimeoutMs: ms(10000, 'Reading the certificate and photo from the card'),
    faceTimeoutMs: ms(8000, 'Looking for a matching face'),
    pinTimeoutMs: ms(30000, 'Waiting for the PIN'),
    consentTimeoutMs: ms(60000, 'Waiting for the consent answers'),
    lineTimeoutMs: ms(15000, 'Waiting for the eligibility answer'),
    removalTimeoutMs: ms(120000, 'Waiting for the patient to take the card after the result'),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    gatewayId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'gw1', description: 'Name of this gateway in topics and status' }),
    readerId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'reader1', description: 'Name of the reader this box drives' }),
    dataDir: PathOption('/var/lib/oqs-gateway', 'Where the SQLite store lives'),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level' }),
    retentionHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 72, description: 'Hours stored check-ins (patient data) are kept after delivery' }),
    demo: Type.Object(
      {
        intervalSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 0, description: 'Simulate a check-in this often (0: only on request); sim card only' }),
      },
      { additionalProperties: false, default: {} },
    ),
    flow: FlowConfigSchema,
    mqtt: MqttConfigSchema,
    card: CardConfigSchema,
    face: FaceConfigSchema,
    panel: PanelConfigSchema,
    line: LineConfigSchema,
    status: StatusConfigSchema,
    ops: OpsConfigSchema,
  },
  { additionalProperties: false, default: {} },
);

export type GatewayConfig = Static<typeof ConfigSchema>;
export type FlowConfig = Static<typeof FlowConfigSchema>;
