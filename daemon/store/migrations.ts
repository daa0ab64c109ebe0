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
];
