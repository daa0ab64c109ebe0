// Keeps the exchange folder from growing without bound: files the gateway wrote (face/, res/,
// req-rejected/) older than the retention are deleted, and temp files a killed process left behind.
// Requests still waiting in req/ are never touched, nor anything that is not an official file name.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const OURS = /^OQS\w+\.xml$/;
/** A temp file a killed process left behind (atomic-file.ts); never renamed now. */
const STALE_TEMP = /^\.OQS\w+\.xml\.[0-9a-f]+\.tmp$/;
const STALE_TEMP_MS = 10 * 60 * 1000;

export async function purgeOldFiles(folder: string, retentionMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const sub of ['face', 'res', 'req-rejected']) {
    const dir = join(folder, sub);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const temp = STALE_TEMP.test(name);
      if (sub !== 'req-rejected' && !OURS.test(name) && !temp) continue;
      const info = await stat(join(dir, name)).catch(() => null);
      if (!info?.isFile() || now - info.mtimeMs < (temp ? STALE_TEMP_MS : retentionMs)) continue;
      if (await unlink(join(dir, name)).then(() => true, () => false)) removed++;
    }
  }
  return removed;
}
