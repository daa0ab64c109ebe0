import { Type, type Static } from '@sinclair/typebox';
import { PathOption } from '../../vocabulary/path-option.js';

export const MqttConfigSchema = Type.Object(
  {
    url: Type.String({
      default: '',
      description: "Broker URL (mqtt://, mqtts://). Empty (and no mqtt.urls): start an embedded broker on 127.0.0.1 (demo only)",
    }),
    urls: Type.Array(Type.String(), {
      default: [],
      description: 'Broker nodes of a cluster or bridged pair, in order of preference (instead of mqtt.url, not with it): the first that answers is used, ' +
        'and the gateway returns to the first when it is back (mqtt.failbackSeconds). No credentials in them: use mqtt.username/password',
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
      description: 'Wait before each new attempt when the broker is away or refuses; doubled after each round of every node failing, up to mqtt.reconnectMaxMilliseconds',
    }),
    reconnectMaxMilliseconds: Type.Integer({
      minimum: 100, maximum: 600000, default: 30000,
      description: 'Longest wait between attempts while no broker node answers',
    }),
    failbackSeconds: Type.Integer({
      minimum: 0, maximum: 86400, default: 60,
      description: 'While on a later node of mqtt.urls, how often to look whether the first answers again and go back to it (0: stay)',
    }),
    resendWindowSeconds: Type.Integer({
      minimum: 0, maximum: 86400, default: 60,
      description: 'After the connection to a node is lost and the gateway connects to another node, resend what the lost node acknowledged ' +
        'in this many seconds before the loss (it may have died before passing it on; the EHR dedupes by eventId)',
    }),
    allowPlaintextPatientData: Type.Boolean({
      default: false,
      description: 'Allow patient data over plain mqtt:// to a broker that is not on loopback. Leave false unless the network is otherwise protected',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type MqttConfig = Static<typeof MqttConfigSchema>;
