// mqtt.urls (issue 18): every node through the same checks as mqtt.url (scheme, plaintext off
// loopback), both keys at once refused, no credentials in a node's URL, no node twice; logs and
// status name a node by host:port only.
import t from 'tap';
import { brokerNode, brokerUrls, BrokerConfigError, checkBrokerUrls } from '../../../../daemon/mqtt/broker-url.js';
import type { MqttConfig } from '../../../../daemon/mqtt/config.js';

const mqtt = (over: Partial<MqttConfig>): MqttConfig => ({ url: '', urls: [], allowPlaintextPatientData: false, ...over }) as MqttConfig;
const refusal = (over: Partial<MqttConfig>): string => {
  try {
    checkBrokerUrls(mqtt(over));
  } catch (error) {
    if (error instanceof BrokerConfigError) return error.message;
    throw error;
  }
  return '(accepted)';
};

t.test('the nodes in order: mqtt.urls, else mqtt.url, else none (the demo broker)', async (t) => {
  t.same(brokerUrls(mqtt({ urls: ['mqtts://a:8883', 'mqtts://b:8883'] })), ['mqtts://a:8883', 'mqtts://b:8883']);
  t.same(brokerUrls(mqtt({ url: 'mqtts://a:8883' })), ['mqtts://a:8883']);
  t.same(brokerUrls(mqtt({})), []);
  t.same(checkBrokerUrls(mqtt({ urls: ['mqtts://a:8883', 'mqtt://127.0.0.1:1883'] })).map((u) => u.host), ['a:8883', '127.0.0.1:1883']);
  t.same(checkBrokerUrls(mqtt({ url: 'mqtt://localhost:1883' })).map((u) => u.host), ['localhost:1883'], 'mqtt.url alone still works');
});

t.test('refusals name the key, the node and the fix', async (t) => {
  t.match(refusal({ url: 'mqtts://a:8883', urls: ['mqtts://b:8883'] }), /mqtt.url and mqtt.urls are both set; keep one/);
  t.match(refusal({ urls: ['mqtts://a:8883', 'mqtt://10.0.0.2:1883'] }), /^mqtt.urls\[1\]: "mqtt:\/\/10.0.0.2:1883" sends patient data in clear/);
  t.equal(refusal({ urls: ['mqtts://a:8883', 'mqtt://10.0.0.2:1883'], allowPlaintextPatientData: true }), '(accepted)', 'unless the config consents');
  t.match(refusal({ urls: ['mqtts://a:8883', 'http://b'] }), /^mqtt.urls\[1\]: scheme "http:" is not supported/);
  t.match(refusal({ urls: ['not a url'] }), /^mqtt.urls\[0\]: "not a url" is not a URL/);
  t.match(refusal({ urls: ['mqtts://gw:secret@a:8883'] }), /^mqtt.urls\[0\]: credentials in the URL; put them in mqtt.username/);
  t.match(refusal({ urls: ['mqtts://a:8883', 'mqtts://a'] }), /^mqtt.urls\[1\]: a:8883 is already mqtt.urls\[0\]/, 'the default port counts');
  t.match(refusal({ urls: ['wss://a/mqtt', 'wss://b/other'] }), /the ws:\/\/ nodes name different paths/);
});

t.test('a node is named host:port, never with its credentials', async (t) => {
  t.equal(brokerNode('mqtts://gw:secret@broker.example:8883'), 'broker.example:8883');
  t.equal(brokerNode('mqtt://127.0.0.1'), '127.0.0.1:1883');
  t.equal(brokerNode('mqtts://b'), 'b:8883');
  t.equal(brokerNode('::'), '(invalid url)');
});
