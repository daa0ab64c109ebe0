// The reference service's grace period (issue 12): a certificate that ended less than 3 months ago
// serves an insurance-only inquiry; anything more (or later) is CERT_EXPIRED.
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkCertificate } from '../../../../drivers/line/sim/service/card-check.js';
import { ensurePki } from '../../../helpers/card-fixtures.js';

t.test('grace only for an insurance-only inquiry, only for 3 months', async (t) => {
  const pki = ensurePki();
  const der = readFileSync(`${pki}/jpki/people/yamada-taro.der`);
  const ca = new X509Certificate(readFileSync(`${pki}/jpki/ca.pem`));
  const trust = { ca, crl: { revoked: new Set<string>() } as never, holders: new Map<string, string>() };
  const end = Date.parse(new X509Certificate(der).validTo);
  const day = 86400000;
  t.equal(checkCertificate(der, trust, new Date(end - day)).ok, true, 'valid');
  t.same(checkCertificate(der, trust, new Date(end + 30 * day)), { ok: false, error: 'CERT_EXPIRED' }, 'expired, full inquiry');
  t.equal(checkCertificate(der, trust, new Date(end + 30 * day), true).ok, true, 'expired a month ago, insurance only');
  t.same(checkCertificate(der, trust, new Date(end + 100 * day), true), { ok: false, error: 'CERT_EXPIRED' }, 'more than 3 months');
});
