import { Type, type Static } from '@sinclair/typebox';

export const PanelConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('serial'), Type.Literal('pty')], {
      default: 'sim',
      description:
        "'serial' for the reader's panel on a serial port; 'sim' answers from a script in-process; " +
        "'pty' runs the panel simulator on a socat pty pair and drives it with the serial driver (needs socat)",
    }),
    path: Type.String({ default: '/dev/ttyUSB0', description: 'serial: the port' }),
    baudRate: Type.Integer({ minimum: 1200, maximum: 921600, default: 115200, description: 'serial: the port speed' }),
    language: Type.Union([Type.Literal('ja'), Type.Literal('en')], { default: 'ja', description: 'First language on screen' }),
    simIdentity: Type.Union([Type.Literal('face'), Type.Literal('pin')], { default: 'face', description: 'sim: method the patient picks' }),
    simPin: Type.String({ pattern: '^[0-9]{4}$', default: '1234', description: 'sim: PIN the patient types (test cards only)' }),
    simConsent: Type.Union([Type.Literal('all-yes'), Type.Literal('all-no')], { default: 'all-yes', description: 'sim: how the patient answers every consent question' }),
    simRegistration: Type.Union([Type.Literal('register'), Type.Literal('decline')], {
      default: 'register', description: 'sim: the answer when asked to register the card for insurance use (保険証利用登録)',
    }),
    ackTimeoutMs: Type.Integer({ minimum: 20, maximum: 5000, default: 250, description: 'serial: wait this long for an ACK before resending a frame' }),
    maxResends: Type.Integer({ minimum: 0, maximum: 10, default: 3, description: 'serial: resends of one frame before the link counts as down' }),
    heartbeatMs: Type.Integer({ minimum: 100, maximum: 60000, default: 2000, description: 'serial: idle time after which a PING checks the panel is still there' }),
    reconnectMinMs: Type.Integer({ minimum: 10, maximum: 60000, default: 250, description: 'serial: first wait before reopening a vanished port (doubles each try)' }),
    reconnectMaxMs: Type.Integer({ minimum: 10, maximum: 300000, default: 5000, description: 'serial: longest wait between reopen tries' }),
  },
  { additionalProperties: false, default: {} },
);
export type PanelConfig = Static<typeof PanelConfigSchema>;
