// A small EHR client for oqs-gateway (docs/mqtt.md): only the `mqtt` package, nothing from the
// gateway, so a vendor can copy it. Run with tsx (or compile it):
//
//   listen:  tsx examples/ehr-client.ts --url mqtts://broker:8883 --gateway gw1 --ca ca.pem --cert ehr.pem --key ehr.key
//            prints each check-in once (deduplicated by eventId), re-checks and errors, as JSON lines
//   inquire: ... --inquire 01130012,1010,2345,00,1980-05-12     (保険者番号,記号,番号,枝番,生年月日)
//            [--visit-date 2026-10-15] (資格確認日: answered as of that day) [--limit-consent] (限度額 agreed at the desk)
//   batch:   ... --batch patients.json                          (a JSON array of the same five fields, plus ref)
//   link:    ... --link <checkin eventId>=<your patient id>
//
// --v311 speaks MQTT 3.1.1 (reply topic and correlation id inside the payload, as for the demo's
// embedded broker); the default is MQTT 5 (Response Topic + Correlation Data). --share GROUP makes
// several EHR processes share the check-ins (MQTT 5 shared subscription). --name is the user name the
// broker knows this client by (the certificate CN): answers come back under replies/<name>/.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

const USAGE = `usage: tsx examples/ehr-client.ts [options]
  (no action)          listen: print each check-in once, re-checks and errors, as JSON lines
  --inquire I,S,N,B,D  ask eligibility by 保険者番号,記号,番号,枝番,生年月日 (e.g. 01130012,1010,2345,00,1980-05-12)
  --visit-date D       with --inquire: 資格確認日 (YYYY-MM-DD), answered as of that day
  --limit-consent      with --inquire: the patient agreed to show the 限度額 certificate
  --batch FILE         send a batch (a JSON array of the same five fields, plus ref) and print its answers
  --link EVENT=PID     link a check-in (its eventId) to your patient id
  --url URL            broker (default mqtt://127.0.0.1:1883; mqtts://host:8883 with --ca/--cert/--key)
  --gateway ID         gateway id (default demo); --base TOPIC overrides the base topic oqs/<ID>
  --name NAME          the user name the broker knows you by (answers come under replies/<NAME>/)
  --client-id ID       MQTT client id (a listener keeps its session under it)
  --ca/--cert/--key F  TLS files; --username/--password broker credentials
  --v311               speak MQTT 3.1.1 (reply topic and correlation id in the payload)
  --share GROUP        share the check-ins with other processes (MQTT 5 shared subscription)
  --timeout S          how long an inquiry, batch or link waits for its answer (default 30)
  -h, --help           this text`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        gateway: { type: 'string', default: 'demo' },
        base: { type: 'string' },
        name: { type: 'string', default: 'ehr' },
        'client-id': { type: 'string' },
        ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
        username: { type: 'string' }, password: { type: 'string' },
        v311: { type: 'boolean', default: false },
        share: { type: 'string' },
        inquire: { type: 'string' }, batch: { type: 'string' }, link: { type: 'string' },
        'visit-date': { type: 'string' }, 'limit-consent': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // A mistyped option: say which, point at --help, no stack trace.
    console.error(`ehr-client: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    process.exit(2);
  }
}
const opt = parseOptions().values;
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}

const base = opt.base ?? `oqs/${opt.gateway}`;
const v5 = !opt.v311;
const clientId = opt['client-id'] ?? `${opt.name}-${opt.inquire || opt.batch || opt.link ? randomUUID().slice(0, 8) : 'listener'}`;
const replyTopic = `${base}/replies/${opt.name}/${clientId}`;
const print = (kind: string, body: unknown) => console.log(JSON.stringify({ kind, body, ...deskLine(body) }));

/** What the desk reads first (oqs.*.v2): the validity code with its label, and each person's insurance. */
function deskLine(body: unknown): { desk?: string } {
  const b = body as { eligibility?: Answer | null; result?: Answer | null; code?: string } | null;
  const answer = b?.eligibility ?? b?.result;
  if (!answer || typeof answer !== 'object') return {};
  const people = (answer.results ?? []).map((r) => `${r.name} ${r.insurerNumber}/${r.insuredIdentificationNumber}`).join('; ');
  return { desk: `${answer.qualificationValidity} ${answer.qualificationValidityLabel}${people ? `: ${people}` : ''}` };
}
interface Answer { qualificationValidity?: string; qualificationValidityLabel?: string; results?: { name: string; insurerNumber: string; insuredIdentificationNumber: string }[] }

function connect(persistent: boolean): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId,
    protocolVersion: v5 ? 5 : 4,
    // A listener keeps its session: QoS 1 check-ins published while it was away are kept for it.
    clean: !persistent,
    ...(v5 && persistent ? { properties: { sessionExpiryInterval: 7 * 24 * 3600 } } : {}),
    ...(opt.ca ? { ca: readFileSync(opt.ca), rejectUnauthorized: true } : {}),
    ...(opt.cert && opt.key ? { cert: readFileSync(opt.cert), key: readFileSync(opt.key) } : {}),
    ...(opt.username ? { username: opt.username, password: opt.password ?? '' } : {}),
  };
  return mqtt.connectAsync(opt.url, options);
}

/** Sends one request; resolves with each answer until `done` says the exchange is over. */
async function request(client: MqttClient, topic: string, body: object, done: (answer: Record<string, unknown>) => boolean): Promise<void> {
  const correlation = randomUUID();
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${opt.timeout} s`)), Number(opt.timeout) * 1000);
    client.on('message', (t, payload, packet) => {
      if (t !== replyTopic && t !== `${base}/errors`) return;
      const answer = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      const ours = packet.properties?.correlationData?.toString() === correlation || answer.correlationId === correlation;
      if (!ours) return;
      print(String(answer.schema), answer);
      if (answer.schema === 'oqs.error.v1' || done(answer)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await client.subscribeAsync([replyTopic, `${base}/errors`], { qos: 1 });
  const payload = v5 ? body : { ...body, replyTo: replyTopic, correlationId: correlation };
  await client.publishAsync(topic, JSON.stringify(payload), {
    qos: 1,
    ...(v5 ? { properties: { responseTopic: replyTopic, correlationData: Buffer.from(correlation), contentType: 'application/json' } } : {}),
  });
  await finished;
}

function insurance(text: string) {
  const [insurerNumber = '', symbol = '', number = '', branch = '', birthDate = ''] = text.split(',').map((s) => s.trim());
  return { insurerNumber, symbol, number, branch, birthDate };
}

async function listen(): Promise<void> {
  const client = await connect(true);
  // Delivery is at least once: remember recent event ids and skip repeats (a real EHR keeps them in its database).
  const seen = new Set<string>();
  client.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    const id = typeof body.eventId === 'string' ? body.eventId : null;
    if (id) {
      if (seen.has(id)) return;
      seen.add(id);
      if (seen.size > 10_000) seen.delete(seen.values().next().value as string);
    }
    print(topic.slice(base.length + 1), body);
  });
  const checkins = opt.share ? `$share/${opt.share}/${base}/checkins` : `${base}/checkins`;
  await client.subscribeAsync([checkins, `${base}/inquiries/rechecks`, `${base}/errors`, `${base}/status`], { qos: 1 });
  process.on('SIGINT', () => void client.endAsync().then(() => process.exit(0)));
  process.on('SIGTERM', () => void client.endAsync().then(() => process.exit(0)));
}

async function once(): Promise<void> {
  const client = await connect(false);
  try {
    if (opt.inquire) {
      await request(client, `${base}/inquiries`, {
        schema: 'oqs.inquiry-request.v2', requestId: randomUUID(), ...insurance(opt.inquire),
        ...(opt['visit-date'] ? { visitDate: opt['visit-date'] } : {}), ...(opt['limit-consent'] ? { limitConsent: true } : {}),
      }, () => true);
    } else if (opt.batch) {
      const patients = JSON.parse(readFileSync(opt.batch, 'utf8')) as object[];
      await request(client, `${base}/batches`, { schema: 'oqs.batch-request.v2', requestId: randomUUID(), patients }, (a) => a.schema === 'oqs.batch-summary.v1');
    } else if (opt.link) {
      const [eventId = '', patientId = ''] = opt.link.split('=');
      await request(client, `${base}/patients/link`, { schema: 'oqs.patient-link.v1', eventId, patientId: patientId || null }, () => true);
    }
  } finally {
    await client.endAsync();
  }
}

(opt.inquire || opt.batch || opt.link ? once() : listen()).catch((error: unknown) => {
  console.error(`ehr-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
