// Files a reader must never see half-written: written to a dot-temp name in the same folder
// (same file system), flushed to disk, then renamed over the final name in one step. Readers of the
// official folders look for OQS*.xml, so a temp file is never picked up.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, bytes: Buffer): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  // The rename itself durable: fsync the folder (not every file system allows it; a share may not).
  const folder = await open(dirname(path), 'r').catch(() => null);
  if (folder) await folder.sync().catch(() => {}).finally(() => folder.close());
}
