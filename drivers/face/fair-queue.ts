// One face model serves every reader of a gateway (issue 18): its calls (detect, describe) run one
// at a time, taken from the readers' queues in turn (round-robin), so a reader whose patient is
// in front of the camera for long cannot starve another reader that has just begun: each waiting
// reader gets the next call after at most one call of every other waiting reader.
import type { DescribedFace, DetectorKind, FaceEngine, FoundFace } from './engine-types.js';
import type { RgbImage } from './image.js';

interface Task {
  run(): Promise<void>;
}

export class FairQueue {
  /** Waiting tasks per lane; a lane is in `#order` while it has any. */
  readonly #lanes = new Map<string, Task[]>();
  readonly #order: string[] = [];
  #running = 0;
  readonly #concurrency: number;

  /** `concurrency`: calls running at once (1: the engine is CPU-bound, more would only share the cores). */
  constructor(concurrency = 1) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /** Runs `task` when its lane's turn comes; resolves or rejects with it. */
  run<T>(lane: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.#lanes.get(lane) ?? [];
      if (queue.length === 0) this.#order.push(lane);
      queue.push({ run: () => task().then(resolve, reject) });
      this.#lanes.set(lane, queue);
      this.#pump();
    });
  }

  /** Calls waiting (not running), per lane: for status and tests. */
  waiting(): Record<string, number> {
    return Object.fromEntries([...this.#lanes].filter(([, q]) => q.length > 0).map(([lane, q]) => [lane, q.length]));
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#order.length > 0) {
      // The lane at the head gives one task and goes to the back if it has more: round-robin.
      const lane = this.#order.shift()!;
      const queue = this.#lanes.get(lane)!;
      const task = queue.shift()!;
      if (queue.length > 0) this.#order.push(lane);
      else this.#lanes.delete(lane);
      this.#running++;
      void task.run().finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }
}

/** The shared engine as one reader sees it: the same model, its calls queued in that reader's lane. */
export function engineLane(engine: FaceEngine, queue: FairQueue, lane: string): FaceEngine {
  return {
    model: engine.model,
    version: engine.version,
    detect: (image: RgbImage, detector: DetectorKind): Promise<FoundFace[]> => queue.run(lane, () => engine.detect(image, detector)),
    describe: (image: RgbImage, face: FoundFace): Promise<DescribedFace> => queue.run(lane, () => engine.describe(image, face)),
    similarity: (a, b) => engine.similarity(a, b),
    memory: () => engine.memory(),
  };
}
