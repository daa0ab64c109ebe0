import { Type, type Static } from '@sinclair/typebox';
import { PathOption } from '../../vocabulary/path-option.js';
import { CARD_FAULTS } from './sim/faults.js';
import { CardFrontConfigSchema } from './front/config.js';

export const CardConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('pcsc')], {
      default: 'sim',
      description: "'pcsc' for a real reader through pcscd; 'sim' for the built-in virtual My Number card",
    }),
    readerName: Type.String({
      default: '',
      description: 'pcsc: use the first reader whose name contains this text (empty: the first reader)',
    }),
    commandTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 5000, description: 'Timeout of one APDU' }),
    simProfiles: Type.Array(Type.String({ pattern: '^[a-z0-9-]+$' }), {
      default: [],
      description: 'sim: test people the virtual card cycles through (empty: all in the test PKI)',
    }),
    pkiDir: PathOption('', "sim: the test PKI holding the virtual cards' certificates and keys (empty: var/pki under the package, the one the simulated line trusts; generated when missing)"),
    simFault: Type.Union(
      CARD_FAULTS.map((f) => Type.Literal(f)),
      { default: 'none', description: 'sim: make the virtual card misbehave (demos of error handling)' },
    ),
    front: CardFrontConfigSchema,
  },
  { additionalProperties: false, default: {} },
);
export type CardConfig = Static<typeof CardConfigSchema>;
