import { Type, type Static } from '@sinclair/typebox';
import { PathOption } from '../../vocabulary/path-option.js';

export const MqttConfigSchema = Type.Object(
  {
    url: Type.String({
      default: '',
      description: "Broker URL (mqtt://, mqtts://). Empty: start an embedded broker on 127.0.0.1 (demo only)",
    }),
    embeddedPort: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: 'Port of the embedded broker (0: any free port)' }),
    embeddedBroker: Type.Union([Type.Literal('auto'), Type.Literal('mosquitto'), Type.Literal('aedes')], {
      default: 'auto',
      description: "Which broker the demo runs when mqtt.url is empty: auto = Debian's mosquitto (MQTT 5) when installed, else aedes in-process (MQTT 3.1.1 only)",
    }),
    baseTopic: Type.String({ pattern: '^[^#+]+$', default: 'oqs/{gatewayId}', description: 'Base topic; {gatewayId} is replaced' }),
    username: Type.String({ default: '', description: 'Broker user name (empty: none)' }),
    password: Type.String({ default: '', description: 'Broker password (empty: none)' }),
    ca: PathOption('', 'PEM file of the broker CA (mqtts)'),
    cert: PathOption('', 'PEM file of our client certificate (mqtts, optional)'),
    key: PathOption('', 'PEM file of our client key (mqtts, optional)'),
    reconnectMilliseconds: Type.Integer({
      minimum: 100, maximum: 60000, default: 2000,
      description: 'Wait before each new attempt when the broker is away or refuses (the log backs off on its own)',
    }),
    allowPlaintextPatientData: Type.Boolean({
      default: false,
      description: 'Allow patient data over plain mqtt:// to a broker that is not on loopback. Leave false unless the network is otherwise protected',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type MqttConfig = Static<typeof MqttConfigSchema>;
