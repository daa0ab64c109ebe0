// Keeps the exchange folder from growing without bound: files the gateway wrote (face/, res/,
// req-rejected/) older than the retention are deleted. Requests still waiting in req/ are never
// touched, nor anything that is not an official file name.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const OURS = /^OQS\w+\.xml$/;

export async function purgeOldFiles(folder: string, retentionMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const sub of ['face', 'res', 'req-rejected']) {
    const dir = join(folder, sub);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (sub !== 'req-rejected' && !OURS.test(name)) continue;
      const info = await stat(join(dir, name)).catch(() => null);
      if (!info?.isFile() || now - info.mtimeMs < retentionMs) continue;
      if (await unlink(join(dir, name)).then(() => true, () => false)) removed++;
    }
  }
  return removed;
}
