// The SQLite store (sqlite3): WAL, foreign keys, numbered migrations applied at open.
// A thin promise wrapper; callers write SQL with parameters, never string-built values.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import { secureDatabaseFiles } from './file-modes.js';
import { MIGRATIONS } from './migrations.js';

export type Row = Record<string, unknown>;
export type Params = readonly (string | number | bigint | null | Buffer)[];

export class Database {
  private constructor(private readonly db: sqlite3.Database) {}

  static async open(file: string): Promise<Database> {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      secureDatabaseFiles(file); // patient data: 0600 whatever the umask (file-modes.ts)
    }
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
    });
    const database = new Database(raw);
    raw.configure('busyTimeout', 5000);
    await database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    await database.migrate();
    return database;
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (error) => (error ? reject(error) : resolve())));
  }

  run(sql: string, params: Params = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, function (error) {
        if (error) reject(error);
        else resolve({ changes: this.changes, lastID: this.lastID });
      }),
    );
  }

  all<T extends Row = Row>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
  }

  async get<T extends Row = Row>(sql: string, params: Params = []): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }

  private async migrate(): Promise<void> {
    await this.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = await this.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
    const current = row?.v ?? 0;
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (version <= current) continue;
      await this.exec(`BEGIN; ${sql}; INSERT INTO schema_version (version) VALUES (${version}); COMMIT;`);
    }
  }
}
