// Early warnings: certificate expiry (30 days ahead), disk nearly full, clock; and the certificate
// dates read from real PEM files.
import t from 'tap';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { OpsConfigSchema, type OpsConfig } from '../../../../daemon/ops/config.js';
import { certExpiry, lineCertFiles } from '../../../../daemon/ops/certs.js';
import { computeWarnings, sameWarnings, type OpsWarning } from '../../../../daemon/ops/warnings.js';
import type { CertExpiry } from '../../../../daemon/ops/certs.js';
import { pkiDir } from '../../../helpers/line-harness.js';
import { issueClientCert } from '../../../helpers/ops-pki.js';

const ops = Value.Default(OpsConfigSchema, {}) as OpsConfig;
const DAY = 86400000;
const cert = (role: CertExpiry['role'], daysLeft: number): CertExpiry => ({
  role, file: `/etc/oqs-gateway/line/${role}.pem`, notAfter: new Date(Date.now() + daysLeft * DAY).toISOString(), daysLeft, subject: 'O=Clinic',
});
const disk = (freePercent: number, freeMiB: number) => ({ path: '/var/lib/oqs-gateway', totalBytes: 10 * 1024 ** 3, freeBytes: freeMiB * 1024 ** 2, freePercent });
const codes = (w: OpsWarning[]) => w.map((x) => x.code);

t.test('defaults: 30 days for certificates, 10% / 500 MiB for the disk', async (t) => {
  t.equal(ops.certWarnDays, 30);
  t.equal(ops.diskWarnPercent, 10);
  t.equal(ops.diskWarnMiB, 500);
});

t.test('certificates: expired, expiring within 30 days, fine, unreadable', async (t) => {
  const base = { disk: disk(50, 5000), clock: 'synchronized' as const };
  t.same(codes(computeWarnings({ ...base, certs: [cert('client', 200), cert('ca', 3000)] }, ops)), []);
  t.same(codes(computeWarnings({ ...base, certs: [cert('client', 29), cert('ca', 3000)] }, ops)), ['CERT_EXPIRING']);
  t.same(codes(computeWarnings({ ...base, certs: [cert('client', 30)] }, ops)), [], 'exactly 30 days left: not yet');
  t.same(codes(computeWarnings({ ...base, certs: [cert('client', -1), cert('ca', 10)] }, ops)), ['CERT_EXPIRED', 'CERT_EXPIRING']);
  const unreadable: CertExpiry = { role: 'ca', file: '/nope.pem', notAfter: null, daysLeft: null, subject: null, error: 'ENOENT' };
  const [w] = computeWarnings({ ...base, certs: [unreadable] }, ops);
  t.equal(w?.code, 'CERT_UNREADABLE');
  t.match(w?.message, /\/nope\.pem.*ENOENT/);
  const [expiring] = computeWarnings({ ...base, certs: [cert('client', 12)] }, ops);
  t.match(expiring?.message, /line client certificate .* expires on \d{4}-\d{2}-\d{2} \(in 12 days\)/);
  t.match(expiring?.action, /renew/i);
});

t.test('disk: below the percentage or below the MiB floor', async (t) => {
  const base = { certs: [], clock: 'synchronized' as const };
  t.same(codes(computeWarnings({ ...base, disk: disk(50, 5000) }, ops)), []);
  t.same(codes(computeWarnings({ ...base, disk: disk(9, 5000) }, ops)), ['DISK_LOW']);
  t.same(codes(computeWarnings({ ...base, disk: disk(50, 400) }, ops)), ['DISK_LOW']);
  t.same(codes(computeWarnings({ ...base, disk: null }, ops)), [], 'no figure, no guess');
});

t.test('clock: unsynchronized, and skew beyond the limit either way', async (t) => {
  const base = { certs: [], disk: disk(50, 5000) };
  t.same(codes(computeWarnings({ ...base, clock: 'unknown' }, ops)), []);
  t.same(codes(computeWarnings({ ...base, clock: 'unsynchronized' }, ops)), ['CLOCK_UNSYNCED']);
  t.same(codes(computeWarnings({ ...base, clock: 'synchronized', skewSeconds: 59 }, ops)), []);
  const [ahead] = computeWarnings({ ...base, clock: 'synchronized', skewSeconds: 90 }, ops);
  t.match(ahead?.message, /90 s ahead of/);
  const [behind] = computeWarnings({ ...base, clock: 'synchronized', skewSeconds: -300 }, ops);
  t.match(behind?.message, /300 s behind/);
});

t.test('sameWarnings decides when to log and republish', async (t) => {
  const a = computeWarnings({ certs: [cert('client', 10)], disk: null, clock: 'synchronized' }, ops);
  const b = computeWarnings({ certs: [cert('client', 10)], disk: null, clock: 'synchronized' }, ops);
  t.ok(sameWarnings(a, b));
  t.notOk(sameWarnings(a, []));
});

t.test('certificate dates come from the PEM files', async (t) => {
  const dir = await pkiDir();
  const now = Date.now();
  const expired = issueClientCert(dir, new Date(now - 400 * DAY), new Date(now - 2 * DAY + 3600000));
  const soon = issueClientCert(dir, new Date(now - DAY), new Date(now + 10 * DAY + 3600000));
  t.teardown(() => {
    rmSync(expired.dir, { recursive: true, force: true });
    rmSync(soon.dir, { recursive: true, force: true });
  });
  const e = certExpiry('client', expired.cert, now);
  t.equal(e.daysLeft, -2);
  t.match(e.subject, /ops-test-client/);
  t.equal(certExpiry('client', soon.cert, now).daysLeft, 10);
  t.equal(certExpiry('ca', '/does/not/exist.pem').error, 'ENOENT');
  t.equal(certExpiry('ca', '').error, 'not configured');
  const sim = lineCertFiles({ driver: 'sim', sim: { pkiDir: dir } } as Parameters<typeof lineCertFiles>[0]);
  t.same(sim, { client: join(dir, 'clinic', 'client.pem'), ca: join(dir, 'service', 'ca.pem') }, 'the sim line uses the test PKI');
});
