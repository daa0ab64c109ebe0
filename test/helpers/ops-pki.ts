// Clinic client certificates with chosen validity, issued by the test PKI's clinic CA (the CA the
// reference service trusts for clients): expired ones, ones expiring soon. `openssl ca` is the
// one tool here that takes explicit start/end dates.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

export interface IssuedCert { readonly dir: string; readonly cert: string; readonly key: string }

/** A client certificate valid from `from` to `to`, signed by `<pkiDir>/clinic/ca.*`. */
export function issueClientCert(pkiDir: string, from: Date, to: Date): IssuedCert {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-ops-pki-'));
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = t', '[t]',
    `database = ${dir}/index.txt`, `serial = ${dir}/serial`, `new_certs_dir = ${dir}/newcerts`,
    'unique_subject = no', 'policy = any', 'default_md = sha256', 'copy_extensions = none',
    '[any]', 'commonName = supplied', 'organizationName = optional',
    '[ext]', 'basicConstraints = CA:FALSE', 'keyUsage = digitalSignature', 'extendedKeyUsage = clientAuth',
  ].join('\n') + '\n');
  const key = join(dir, 'client.key');
  const csr = join(dir, 'client.csr');
  const cert = join(dir, 'client.pem');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/O=Test Clinic/CN=ops-test-client'], { stdio: 'ignore' });
  execFileSync('openssl', [
    'ca', '-batch', '-config', join(dir, 'ca.cnf'), '-cert', join(pkiDir, 'clinic', 'ca.pem'), '-keyfile', join(pkiDir, 'clinic', 'ca.key'),
    '-in', csr, '-out', cert, '-startdate', stamp(from), '-enddate', stamp(to), '-extensions', 'ext', '-notext',
  ], { stdio: 'ignore' });
  chmodSync(key, 0o600);
  return { dir, cert, key };
}
