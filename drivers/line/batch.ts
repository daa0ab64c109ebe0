// Splits a 一括照会 into chunks sent a few at a time. A chunk that fails (line down, malformed
// answer) marks its own patients with the code and the rest carry on, so one bad chunk never
// loses the others' answers.
import { codeOf, type ResultCode } from '../../vocabulary/result-codes.js';
import type { BatchItemResult } from './eligibility.js';

export async function runBatch<T>(
  requests: readonly T[],
  chunkSize: number,
  concurrency: number,
  send: (items: readonly T[], offset: number) => Promise<BatchItemResult[]>,
  signal?: AbortSignal,
): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = new Array<BatchItemResult>(requests.length);
  const offsets: number[] = [];
  for (let offset = 0; offset < requests.length; offset += chunkSize) offsets.push(offset);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const offset = offsets[i];
      if (offset === undefined) return;
      if (signal?.aborted) throw signal.reason;
      const items = requests.slice(offset, offset + chunkSize);
      try {
        for (const item of await send(items, offset)) results[item.index] = item;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const code: ResultCode = codeOf(error, 'LINE_ERROR');
        const message = error instanceof Error ? error.message : String(error);
        items.forEach((_, k) => { results[offset + k] = { index: offset + k, ok: false, code, message }; });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, offsets.length)) }, worker));
  return results;
}
