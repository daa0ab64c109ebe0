// Four virtual readers in one private pcscd (issue 18's rig: two vpcd entries of two slots each):
// every PC/SC reader sees only the card put into its own slot, one at a time and all at once.
// Before each vpcd entry had its own copy of the driver, the second entry took over the first's
// slots (one card in two readers, "Card protocol mismatch" on connect): this is the test of that.
// Run under `flock /tmp/oqs-pcsc.lock` (one pcscd per machine).
import t from 'tap';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { silentLogger } from '../../../../vocabulary/log.js';
import type { CardSession } from '../../../../drivers/card/card-reader.js';
import { PcscCardReader } from '../../../../drivers/card/pcsc/pcsc-card-reader.js';
import { directSession, virtualCard } from '../../../helpers/card-fixtures.js';
import { within } from '../../../helpers/pcsc-card-rig.js';
import { pcscUnavailable } from '../../../helpers/pcsc-daemon.js';
import { startReaderRig } from '../../../helpers/reader-rig.js';

const PEOPLE = ['yamada-taro', 'sato-hanako', 'ito-sakura', 'watanabe-mei'];
const digest = (der: Buffer) => createHash('sha256').update(der).digest('hex');


t.test('four virtual readers, each with its own card', { skip: pcscUnavailable() ?? false }, async (t) => {
  // Each person's certificate as the card holds it, read in process (no PC/SC).
  const expected = await Promise.all(PEOPLE.map(async (p) => digest(await directSession(virtualCard(p)).session.readUserAuthCertificate())));
  t.equal(new Set(expected).size, PEOPLE.length, 'four different certificates');

  const rig = await startReaderRig(PEOPLE.length);
  t.teardown(() => rig.close());
  t.same(rig.readers.map((r) => r.readerName), ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Virtual PCD B 00 00', 'Virtual PCD B 00 01']);
  const readers = rig.readers.map((r) => new PcscCardReader({ readerName: r.readerName, timeoutMs: 5000, logger: silentLogger, retryMs: 200, exclusiveWaitMs: 3000 }));
  t.teardown(async () => { for (const r of readers) await r.stop(); });
  await Promise.all(readers.map(async (reader, i) => {
    const ready = once(reader, 'reader');
    await reader.start();
    await within(ready, 15_000, `reader ${rig.readers[i]!.readerName} to appear`);
  }));

  const sessions = new Set<CardSession>();
  /** Puts reader i's person in slot i and reads the certificate through that PC/SC reader. */
  const read = async (i: number): Promise<string> => {
    const inserted = once(readers[i]!, 'inserted') as Promise<[CardSession]>;
    await rig.readers[i]!.insert(virtualCard(PEOPLE[i]));
    const [session] = await within(inserted, 15_000, `the card in ${rig.readers[i]!.readerName}`);
    sessions.add(session);
    return digest(await session.readUserAuthCertificate());
  };
  /** Takes every card out and waits until each reader has seen it go (a quick re-insert would look like the same card). */
  const removeAll = async () => {
    const gone = [...sessions].filter((s) => !s.removed.aborted).map((s) => within(once(s.removed, 'abort'), 15_000, 'a removal to be seen'));
    sessions.clear();
    for (const r of rig.readers) r.remove();
    await Promise.all(gone);
  };

  for (let i = 0; i < PEOPLE.length; i++) {
    t.equal(await read(i), expected[i], `${rig.readers[i]!.readerName} alone: ${PEOPLE[i]}'s certificate`);
    await removeAll();
  }
  for (let round = 1; round <= 2; round++) {
    t.same(await Promise.all(PEOPLE.map((_, i) => read(i))), expected, `all four at once (round ${round}): each reader its own card`);
    await removeAll();
  }
});
