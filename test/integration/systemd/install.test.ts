// systemd/install.sh in a scratch root: a first run installs the unit, user, directories, udev
// rules and config, and enables the unit; a second run changes nothing (same files, modes, owners
// and contents) and says so. The unit passes `systemd-analyze verify`, as shipped and as
// installed, and verify does fail on a unit whose program is missing (so the check can fail).
import t from 'tap';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fromRoot } from '../../../vocabulary/paths.js';
import { removeDir } from '../../helpers/mosquitto.js';

function run(file: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 120000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out: stdout + stderr }));
  });
}

/** Every path under root with type, mode, owner and a content hash (the link target for links). */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (name === '.pwd.lock') continue; // a lock file systemd-sysusers touches on every run
      const what = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16) : 'dir';
      out.push(`${relative(root, path)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${what}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

const isRoot = process.getuid?.() === 0;

t.test('install.sh in a scratch root, twice', { skip: isRoot ? false : 'install.sh needs root (CI runs as root)' }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oqs-install-'));
  t.teardown(() => removeDir(root));
  const first = await run('bash', [fromRoot('systemd/install.sh'), '--root', root]);
  t.equal(first.code, 0, first.out);
  for (const line of ['installed /etc/systemd/system/oqs-gateway.service', 'created   user oqs-gateway', 'created   /etc/oqs-gateway/config.yaml', 'enabled   oqs-gateway.service']) {
    t.ok(first.out.includes(line), `first run: ${line}`);
  }
  t.match(first.out, /config check passed/);
  const before = snapshot(root);

  const second = await run('bash', [fromRoot('systemd/install.sh'), '--root', root]);
  t.equal(second.code, 0, second.out);
  t.notMatch(second.out, /^\s+(installed|updated|created|enabled)\s/m, 'second run: nothing installed, created or enabled');
  t.match(second.out, /kept\s+\/etc\/oqs-gateway\/config\.yaml/);
  t.same(snapshot(root), before, 'second run: the same tree, modes, owners and contents');

  const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
  const user = /^oqs-gateway:x:(\d+):(\d+):[^:]*:\/var\/lib\/oqs-gateway:\/usr\/sbin\/nologin$/m.exec(passwd);
  t.ok(user, 'a system user without login, home /var/lib/oqs-gateway');
  const gid = Number(user?.[2]);
  const stat = (p: string) => lstatSync(join(root, p));
  t.equal(stat('etc/oqs-gateway').mode & 0o777, 0o750);
  t.equal(stat('etc/oqs-gateway').gid, gid);
  t.equal(stat('etc/oqs-gateway/config.yaml').mode & 0o777, 0o640, 'config readable by the service, nobody else');
  t.equal(stat('etc/oqs-gateway/config.yaml').uid, 0);
  t.equal(stat('etc/oqs-gateway/config.yaml').gid, gid);
  t.equal(stat('var/lib/oqs-gateway').mode & 0o777, 0o700);
  t.equal(stat('var/lib/oqs-gateway').uid, Number(user?.[1]));
  t.ok(stat('etc/udev/rules.d/60-oqs-gateway.rules').isFile());
  t.equal(readlinkSync(join(root, 'usr/local/bin/oqsgw')), fromRoot('bin/oqsgw.js'), 'the oqsgw command for the technician');
  t.equal(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/oqs-gateway.service')), '/etc/systemd/system/oqs-gateway.service', 'enabled at boot');
  t.match(readFileSync(join(root, 'etc/oqs-gateway/config.yaml'), 'utf8'), /^# oqs-gateway configuration/, 'config from `oqsgw config example`');

  // A technician's edit survives a re-run.
  writeFileSync(join(root, 'etc/oqs-gateway/config.yaml'), 'gatewayId: desk7\n');
  const third = await run('bash', [fromRoot('systemd/install.sh'), '--root', root]);
  t.equal(third.code, 0, third.out);
  t.equal(readFileSync(join(root, 'etc/oqs-gateway/config.yaml'), 'utf8'), 'gatewayId: desk7\n', 'an existing config is never overwritten');

  const verify = await run('systemd-analyze', ['verify', join(root, 'etc/systemd/system/oqs-gateway.service')]);
  t.equal(verify.code, 0, `the installed unit verifies: ${verify.out}`);
});

t.test('install.sh refuses unknown options', async (t) => {
  const { code, out } = await run('bash', [fromRoot('systemd/install.sh'), '--bogus']);
  t.equal(code, 2);
  t.match(out, /unknown option --bogus/);
});

t.test('systemd-analyze verify passes on the shipped unit and fails on a broken one', async (t) => {
  const unit = fromRoot('systemd/oqs-gateway.service');
  const text = readFileSync(unit, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'oqs-unit-'));
  t.teardown(() => removeDir(dir));
  // ExecStart names /usr/bin/node; on a box where node lives elsewhere, the installer rewrites it.
  const local = join(dir, 'oqs-gateway.service');
  writeFileSync(local, text.replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/oqs-gateway', fromRoot()));
  const ok = await run('systemd-analyze', ['verify', local]);
  t.equal(ok.code, 0, ok.out);
  t.equal(ok.out.trim(), '', 'no warnings');

  const broken = join(dir, 'broken', 'oqs-gateway.service');
  mkdirSync(join(dir, 'broken'));
  writeFileSync(broken, text.replaceAll('/usr/bin/node', '/nonexistent/node'));
  const bad = await run('systemd-analyze', ['verify', broken]);
  t.not(bad.code, 0, 'a missing program is caught');

  for (const line of ['Type=notify', 'WatchdogSec=', 'User=oqs-gateway', 'StateDirectory=oqs-gateway', 'ConfigurationDirectory=oqs-gateway', 'LogsDirectory=oqs-gateway',
    'ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'DevicePolicy=closed', 'DeviceAllow=char-video4linux rw', 'DeviceAllow=char-ttyUSB rw']) {
    t.ok(text.split('\n').some((l) => l.startsWith(line)), line);
  }
  t.notMatch(text, /^MemoryDenyWriteExecute=yes/m, "Node's JIT needs W+X memory");
});
