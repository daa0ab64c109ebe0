// The official file exchange and the FHIR output, in one process with the sim line and the
// embedded broker: (1) commit → face-result file on disk (the writer's queue, CP932 rendering,
// atomic write with fsync), per check-in, median and p95; (2) request files answered per second
// when 500 by-number requests are dropped at once (parse, line round trip over mTLS, render,
// atomic write, remove); (3) check-in → FHIR Bundle committed to the outbox, per check-in.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { validateConfig } from '../../config/load.js';
import { ehrFilesFeatureOf } from '../../daemon/ehr-files/ehr-files-feature.js';
import type { FhirFeature } from '../../daemon/fhir/fhir-feature.js';
import { FEATURES } from '../../daemon/features.js';
import { Gateway } from '../../daemon/gateway.js';
import { silentLogger } from '../../vocabulary/log.js';
import { fromRoot } from '../../vocabulary/paths.js';
import type { BenchReport } from './report.js';
import { summarise } from './report.js';

const FACES = 200;
const REQUESTS = 500;
// 山田 太郎 of the simulated register (drivers/line/sim/service/named-people.ts).
const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

const requestXml = (i: number) => iconv.encode(
  `<?xml version="1.0" encoding="Shift_JIS"?>\r\n<XmlMsg><MessageHeader><ArbitraryFileIdentifier>B${i}</ArbitraryFileIdentifier></MessageHeader><MessageBody>` +
    `<QualificationConfirmSearchInfo><InsurerNumber>${YAMADA.insurerNumber}</InsurerNumber><InsuredCardSymbol>${YAMADA.symbol}</InsuredCardSymbol>` +
    `<InsuredIdentificationNumber>${YAMADA.number}</InsuredIdentificationNumber><InsuredBranchNumber>${YAMADA.branch}</InsuredBranchNumber>` +
    `<Birthdate>19800512</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>\r\n`, 'Shift_JIS');

export default async function bench(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-files-'));
  const folder = join(dir, 'oqs');
  const config = validateConfig({
    gatewayId: 'bench', dataDir: join(dir, 'data'), medicalInstitutionCode: '1312345670',
    mqtt: { embeddedPort: 0 }, status: { enabled: false },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') }, face: { driver: 'sim', simDecisions: ['match'] }, panel: { driver: 'sim' }, line: { driver: 'sim' },
    fhir: { enabled: true },
    ehrFiles: { enabled: true, folder, pollMilliseconds: 100, settleMilliseconds: 0 },
  });
  const gateway = await Gateway.start(config, silentLogger, 'bench', FEATURES);
  try {
    const files = ehrFilesFeatureOf(gateway);
    const fhir = gateway.features.find((f) => f.name === 'fhir') as FhirFeature | undefined;
    if (!files || !fhir) throw new Error('features not running');
    const eligibility = await gateway.devices.line.checkByNumber(YAMADA);
    const outcome = { code: 'ELIGIBLE', method: 'face', face: null, consents: { drugInfo: true }, eligibility } as Parameters<Gateway['commitCheckin']>[0];

    const faceMs: number[] = [];
    const fhirMs: number[] = [];
    for (let i = 0; i < FACES; i++) {
      const start = performance.now();
      await gateway.commitCheckin(outcome, Date.now());
      const committed = performance.now();
      await Promise.all([files.settled().then(() => faceMs.push(performance.now() - committed)), fhir.settled().then(() => fhirMs.push(performance.now() - committed))]);
      if (performance.now() - start > 10000) break;
    }
    const written = readdirSync(join(folder, 'face')).length;

    mkdirSync(join(folder, 'req'), { recursive: true });
    for (let i = 0; i < REQUESTS; i++) writeFileSync(join(folder, 'req', `OQSsiquc01req_${String(i).padStart(6, '0')}.xml`), requestXml(i));
    const dropped = performance.now();
    for (;;) {
      if (readdirSync(join(folder, 'res')).length >= REQUESTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - dropped) / 1000;
    const face = summarise(faceMs);
    const bundle = summarise(fhirMs);
    return {
      name: 'official files and FHIR',
      method: `${FACES} check-ins committed one after the other (commit → file written / Bundle committed; waited for with settled(), which polls every 20–50 ms, so these are upper bounds), then ${REQUESTS} by-number request files dropped at once (concurrency ${config.ehrFiles.concurrency}, sim line over mTLS on loopback); tmpfs/disk of ${tmpdir()}`,
      figures: [
        { name: 'face-result files written', value: written, unit: 'files' },
        { name: 'commit → face file, median', value: Number(face.median.toFixed(2)), unit: 'ms' },
        { name: 'commit → face file, p95', value: Number(face.p95.toFixed(2)), unit: 'ms' },
        { name: 'commit → FHIR Bundle in outbox, median', value: Number(bundle.median.toFixed(2)), unit: 'ms' },
        { name: 'commit → FHIR Bundle in outbox, p95', value: Number(bundle.p95.toFixed(2)), unit: 'ms' },
        { name: `${REQUESTS} request files answered in`, value: Number(seconds.toFixed(2)), unit: 's' },
        { name: 'request files answered per second', value: Number((REQUESTS / seconds).toFixed(1)), unit: '/s' },
        { name: 'RSS after', value: Math.round(process.memoryUsage().rss / 2 ** 20), unit: 'MiB' },
      ],
    };
  } finally {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
