// The outbox contract: committed rows survive a reopen, come out oldest first, are stored once
// per event id, leave the pending set only when marked published, and only delivered rows are
// purged after the retention period.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../../../daemon/store/database.js';
import { Outbox } from '../../../../daemon/store/outbox.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'oqs-outbox-')), 'gateway.sqlite');

t.test('commit survives a reopen; pending is oldest first; one row per event id', async (t) => {
  const path = file();
  let db = await Database.open(path);
  let outbox = new Outbox(db);
  await outbox.commit('a', 't/checkins', { n: 1 });
  await outbox.commit('b', 't/checkins', { n: 2 });
  await outbox.commit('a', 't/checkins', { n: 99 });
  await db.close();

  db = await Database.open(path);
  outbox = new Outbox(db);
  const pending = await outbox.pending(10);
  t.same(pending.map((m) => m.eventId), ['a', 'b']);
  t.same(JSON.parse(pending[0]!.payload), { n: 1 }, 'the first commit of an id wins');
  t.equal(await outbox.depth(), 2);
  await db.close();
});

t.test('published rows leave the pending set; in-flight ids are skipped', async (t) => {
  const db = await Database.open(file());
  const outbox = new Outbox(db);
  for (const id of ['a', 'b', 'c']) await outbox.commit(id, 't', {});
  t.same((await outbox.pending(10, new Set(['a']))).map((m) => m.eventId), ['b', 'c']);
  await outbox.markAttempt('b');
  await outbox.markPublished('b');
  t.same((await outbox.pending(10)).map((m) => m.eventId), ['a', 'c']);
  t.equal((await outbox.pending(1)).length, 1, 'limit respected');
  t.equal(await outbox.depth(), 2);
  await db.close();
});

t.test('the commit listener fires after the row is durable', async (t) => {
  const db = await Database.open(file());
  const outbox = new Outbox(db);
  let depthSeen = -1;
  outbox.onCommit(() => void outbox.depth().then((d) => (depthSeen = d)));
  await outbox.commit('x', 't', {});
  await new Promise((r) => setTimeout(r, 20));
  t.equal(depthSeen, 1);
  await db.close();
});

t.test('purge removes delivered rows past retention and keeps undelivered ones', async (t) => {
  let now = 1_000_000;
  const db = await Database.open(file());
  const outbox = new Outbox(db, () => now);
  await outbox.commit('old-delivered', 't', {});
  await outbox.commit('old-undelivered', 't', {});
  await outbox.markPublished('old-delivered');
  now += 3 * 3600_000;
  await outbox.commit('new-delivered', 't', {});
  await outbox.markPublished('new-delivered');
  const removed = await outbox.purgeDelivered(3600_000);
  t.equal(removed, 1);
  const left = await db.all<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY seq');
  t.same(left.map((r) => r.event_id), ['old-undelivered', 'new-delivered']);
  await db.close();
});

t.test('migrations run once: reopening keeps the schema version', async (t) => {
  const path = file();
  const db1 = await Database.open(path);
  const v1 = await db1.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_version');
  await db1.close();
  const db2 = await Database.open(path);
  const rows = await db2.all('SELECT version FROM schema_version');
  t.equal(rows.length, v1!.v, 'one row per migration');
  const mode = await db2.get<{ journal_mode: string }>('PRAGMA journal_mode');
  t.equal(mode?.journal_mode, 'wal');
  await db2.close();
});

t.test('redeliverSince: what was delivered from that time on is pending again, older deliveries stay done', async (t) => {
  const db = await Database.open(file());
  t.teardown(() => db.close());
  let now = 1_000;
  const outbox = new Outbox(db, () => now);
  for (const id of ['old', 'edge', 'new', 'never']) await outbox.commit(id, 't/checkins', { id });
  await outbox.markPublished('old');
  now = 5_000;
  await outbox.markPublished('edge');
  now = 9_000;
  await outbox.markPublished('new');
  t.equal(await outbox.redeliverSince(5_000), 2, 'two delivered at or after 5,000');
  t.same((await outbox.pending(10)).map((m) => m.eventId), ['edge', 'new', 'never'], 'oldest first, the undelivered one too');
  t.equal(await outbox.redeliverSince(5_000), 0, 'nothing more to reopen');
});
