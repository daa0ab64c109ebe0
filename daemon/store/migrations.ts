// Schema changes in order; never edit one that has shipped, add the next.
export const MIGRATIONS: readonly string[] = [
  // 1: the outbox. A row is committed before anything is acknowledged (invariant 3) and kept,
  // after delivery, until the retention period purges it (it holds patient data).
  `CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     topic TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     published_at INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX outbox_pending ON outbox (published_at, seq)`,
  // 2: the EHR side (daemon/ehr/). The link secret is per gateway and never leaves the box; a link
  // key is an HMAC of the insurance identity (never the Individual Number), so the table alone
  // names nobody. Re-checks and batches hold patient data: deleted when done, purged by age.
  `CREATE TABLE ehr_secret (name TEXT PRIMARY KEY, value BLOB NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE patient_links (
     link_key TEXT PRIMARY KEY,
     patient_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     linked_at INTEGER NOT NULL
   );
   CREATE TABLE checkin_link_keys (event_id TEXT PRIMARY KEY, link_key TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX checkin_link_keys_created ON checkin_link_keys (created_at);
   CREATE TABLE ehr_rechecks (
     recheck_id TEXT PRIMARY KEY,
     origin TEXT NOT NULL,
     request_id TEXT,
     correlation_id TEXT,
     pending TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE ehr_batches (
     batch_id TEXT PRIMARY KEY,
     request_id TEXT,
     reply_topic TEXT NOT NULL,
     correlation_id TEXT,
     patients TEXT NOT NULL,
     count INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     finished_at INTEGER
   );
   CREATE UNIQUE INDEX ehr_batches_request ON ehr_batches (reply_topic, request_id) WHERE request_id IS NOT NULL`,
  // 3: followers of the outbox (daemon/store/outbox-follower.ts): how far each feature that turns
  // committed check-ins into something else (FHIR bundles, official result files) has got, and the
  // files still to be written (they hold patient data: deleted once written).
  `CREATE TABLE outbox_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
   CREATE TABLE ehr_file_queue (
     event_id TEXT PRIMARY KEY,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT
   )`,
  // 4: what a batch asked for (sha256 of its checked patients), so the same requestId with another
  // body is refused instead of answered as a duplicate (issue 17). NULL for batches stored before.
  'ALTER TABLE ehr_batches ADD COLUMN body_hash TEXT',
  // 5: 照会番号 (issue 14). A patient link is also registered with the eligibility service as the
  // clinic's reference number, so every terminal sees it and it survives a change of insurance;
  // the local link stays as a cache. reference_state: NULL a link made before this (the start-up
  // migration registers it when the check-in is still within retention), 'registered', 'local'
  // (cannot be registered: the id is not a valid 照会番号, the check-in is gone, or the service
  // refused it). Registrations waiting for the line hold the insurance number: deleted once sent.
  `ALTER TABLE patient_links ADD COLUMN reference_state TEXT;
   CREATE TABLE reference_registrations (
     link_key TEXT PRIMARY KEY,
     patient_id TEXT,
     identity TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0
   )`,
  // 6: the asynchronous 一括照会 of a batch (ehr.asyncBatches): the reception number and which
  // patient each result index is, so a restart goes on fetching the same reception.
  'ALTER TABLE ehr_batches ADD COLUMN reception TEXT',
  // 7: the broker node (host:port) the gateway last connected to (issue 18, mqtt.urls): a gateway
  // restarted while its node is down connects to another and must know that it changed nodes.
  'CREATE TABLE broker_node (id INTEGER PRIMARY KEY CHECK (id = 1), node TEXT NOT NULL, connected_at INTEGER NOT NULL)',
];
