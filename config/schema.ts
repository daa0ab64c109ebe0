// The one config schema: it validates the YAML, fills defaults, and documents every key
// (`oqsgw config schema` prints it; config/example.yaml follows it). Driver sections live with
// their drivers so that a driver's options are defined once, beside the code that reads them.
import { Type, type Static } from '@sinclair/typebox';
import { CardConfigSchema } from '../drivers/card/config.js';
import { FaceConfigSchema } from '../drivers/face/config.js';
import { PanelConfigSchema } from '../drivers/panel/config.js';
import { LineConfigSchema } from '../drivers/line/config.js';
import { MqttConfigSchema } from '../daemon/mqtt/config.js';
import { StatusConfigSchema } from '../daemon/status/config.js';
import { OpsConfigSchema } from '../daemon/ops/config.js';
import { FlowConfigSchema } from '../daemon/flow/config.js';
import { EhrConfigSchema } from '../daemon/ehr/config.js';
import { EhrFilesConfigSchema } from '../daemon/ehr-files/config.js';
import { FhirConfigSchema } from '../daemon/fhir/config.js';
import { PathOption } from '../vocabulary/path-option.js';

/** A commented example shown under a key in config/example.yaml (example.ts). */
export const EXAMPLE_MARK = 'x-example';

/** One entry of `readers`; the sections are checked in full once merged (config/readers.ts). */
const ReaderEntrySchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "The reader's name in topics, events and status (unique)" }),
    card: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged over the top-level card section' })),
    panel: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged over the top-level panel section' })),
    face: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Camera fields only, merged over the top-level face section' })),
  },
  { additionalProperties: false },
);

const READERS_EXAMPLE = [
  '- id: entrance-1',
  '  card: { driver: pcsc, readerName: "Virtual PCD 00 00", front: { source: v4l2, device: /dev/video2 } }',
  '  panel: { driver: serial, path: /dev/ttyUSB0 }',
  '  face: { device: /dev/video0 }',
  '- id: entrance-2',
  '  card: { driver: pcsc, readerName: "Virtual PCD 00 01", front: { source: v4l2, device: /dev/video3 } }',
  '  panel: { driver: serial, path: /dev/ttyUSB1 }',
  '  face: { device: /dev/video1 }',
];

/** The layout of the config file; bump it (and add a step to config/migrate.ts) when a key moves or goes. */
export const CONFIG_VERSION = 2;

export const ConfigSchema = Type.Object(
  {
    version: Type.Literal(CONFIG_VERSION, { default: CONFIG_VERSION, description: 'Version of this file\'s layout; older files are migrated at load with a note saying what changed (config/migrate.ts)' }),
    gatewayId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'gw1', description: 'Name of this gateway in topics and status' }),
    readerId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'reader1', description: 'Name of the reader this box drives (when `readers` is empty)' }),
    readers: Type.Array(ReaderEntrySchema, {
      default: [],
      description:
        'Several readers on this gateway, each with its own check-in flow, state topic and status entry; empty: one reader, `readerId` with the card, panel and face sections below. ' +
        "An entry's card and panel are merged over the top-level card and panel; its face may set only the camera (source, device, captureWidth, captureHeight, simFrames, simFrameIntervalMs, simDecisions): the face model is shared. " +
        'Refused: two entries with one id, one PC/SC reader name, serial port or camera (config/readers.ts)',
      [EXAMPLE_MARK]: READERS_EXAMPLE,
    }),
    dataDir: PathOption('/var/lib/oqs-gateway', 'Where the SQLite store lives'),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level' }),
    retentionHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 72, description: 'Hours stored check-ins (patient data) are kept after delivery' }),
    medicalInstitutionCode: Type.String({
      pattern: '^([0-9]{10})?$', default: '',
      description: '医療機関コード (10 digits): written into the official result files and names the EHR patient ids in FHIR bundles; empty: not set',
    }),
    flow: FlowConfigSchema,
    mqtt: MqttConfigSchema,
    ehr: EhrConfigSchema,
    card: CardConfigSchema,
    face: FaceConfigSchema,
    panel: PanelConfigSchema,
    line: LineConfigSchema,
    status: StatusConfigSchema,
    ops: OpsConfigSchema,
    fhir: FhirConfigSchema,
    ehrFiles: EhrFilesConfigSchema,
  },
  { additionalProperties: false, default: {} },
);

export type GatewayConfig = Static<typeof ConfigSchema>;
