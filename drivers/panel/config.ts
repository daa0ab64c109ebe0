import { Type, type Static } from '@sinclair/typebox';

export const PanelConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('serial')], {
      default: 'sim',
      description: "'serial' for the reader's panel on a serial port; 'sim' answers from a script",
    }),
    path: Type.String({ default: '/dev/ttyUSB0', description: 'serial: the port' }),
    baudRate: Type.Integer({ minimum: 1200, maximum: 921600, default: 115200, description: 'serial: the port speed' }),
    language: Type.Union([Type.Literal('ja'), Type.Literal('en')], { default: 'ja', description: 'First language on screen' }),
    simIdentity: Type.Union([Type.Literal('face'), Type.Literal('pin')], { default: 'face', description: 'sim: method the patient picks' }),
    simPin: Type.String({ pattern: '^[0-9]{4}$', default: '1234', description: 'sim: PIN the patient types (test cards only)' }),
  },
  { additionalProperties: false, default: {} },
);
export type PanelConfig = Static<typeof PanelConfigSchema>;
