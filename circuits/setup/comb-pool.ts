/**
 * A pool of comb workers (comb-worker.ts) that turns scalar batches into generator multiples.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Group, InitMessage, JobMessage, JobResult, WorkerReply } from "./comb-worker.js";

export type { Group, JobResult };

/** Largest window: the G2 table is then 16 windows x 2^15 points x 128 bytes = 64 MiB per worker. */
export const MAX_WINDOW = 16;

/** Signed-digit window count for 254-bit scalars. */
export const windowsFor = (w: number): number => Math.ceil(255 / w);

/**
 * The window that minimises table building plus per-point additions for `pointsPerWorker`
 * multiplications (a table entry, made by a mixed jacobian addition and a conversion to affine,
 * costs about 2.5 of the batched affine additions of a job).
 */
export function chooseWindow(pointsPerWorker: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let w = 2; w <= MAX_WINDOW; w++) {
    const cost = windowsFor(w) * 2 ** (w - 1) * 2.5 + pointsPerWorker * windowsFor(w);
    if (cost < bestCost) {
      best = w;
      bestCost = cost;
    }
  }
  return best;
}

interface Pending {
  job: JobMessage;
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

export interface CombPoolOptions {
  /** wasm module of ffjavascript's bn128 curve (curve.tm.code of a single-thread curve). */
  code: Uint8Array;
  pG1gen: number;
  pG2gen: number;
  /** Number of worker threads (default: available parallelism). */
  threads?: number;
  /** How many multiplications of each group the run will do; sizes the tables. */
  expectedPoints: Record<Group, number>;
  /** Override the window per group (tests). */
  window?: Partial<Record<Group, number>>;
}

/**
 * Worker threads do not inherit the tsx loader that `node --import tsx` installs, so the
 * worker starts from a tiny eval'd script that registers tsx, then imports comb-worker.ts.
 */
function workerBootstrap(): string {
  const workerUrl = new URL("./comb-worker.ts", import.meta.url).href;
  const tsxApi = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
}

/** Jobs queued per worker so that none idles while the main thread handles results. */
const PER_WORKER_DEPTH = 2;

export class CombPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failed: Error | undefined;
  readonly threads: number;
  readonly window: Record<Group, number>;

  private constructor(slots: Slot[], window: Record<Group, number>) {
    this.slots = slots;
    this.threads = slots.length;
    this.window = window;
  }

  static async create(opts: CombPoolOptions): Promise<CombPool> {
    const threads = Math.max(1, opts.threads ?? availableParallelism());
    const window: Record<Group, number> = {
      1: opts.window?.[1] ?? chooseWindow(Math.ceil(opts.expectedPoints[1] / threads)),
      2: opts.window?.[2] ?? chooseWindow(Math.ceil(opts.expectedPoints[2] / threads)),
    };
    for (const g of [1, 2] as const) {
      if (!Number.isInteger(window[g]) || window[g] < 2 || window[g] > MAX_WINDOW) {
        throw new Error(`comb window for G${g} must be an integer in 2..${MAX_WINDOW}, got ${window[g]}`);
      }
    }
    const workerSource = workerBootstrap();
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerSource, { eval: true });
      const slot: Slot = { worker, inFlight: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: WorkerReply) => {
            if (m.type === "ready") {
              worker.off("message", onMessage);
              worker.off("error", reject);
              resolve();
            }
          };
          worker.on("message", onMessage);
          worker.once("error", reject);
        }),
      );
      const init: InitMessage = { type: "init", code: opts.code, pG1gen: opts.pG1gen, pG2gen: opts.pG2gen, window };
      worker.postMessage(init);
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw new Error(`comb worker failed to start: ${(e as Error).message}`);
    }
    const pool = new CombPool(slots, window);
    for (const slot of slots) pool.attach(slot);
    return pool;
  }

  private attach(slot: Slot): void {
    slot.worker.on("message", (m: WorkerReply) => {
      if (m.type === "ready") return;
      const pending = slot.inFlight.get(m.id);
      if (!pending) return;
      slot.inFlight.delete(m.id);
      if (m.type === "error") pending.reject(new Error(`comb worker: ${m.message}`));
      else pending.resolve(m);
      this.pump();
    });
    slot.worker.on("error", (e) => this.fail(e));
    slot.worker.on("exit", (code) => {
      if (code !== 0) this.fail(new Error(`comb worker exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    for (const slot of this.slots) {
      for (const p of slot.inFlight.values()) p.reject(e);
      slot.inFlight.clear();
    }
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (slot.inFlight.size < PER_WORKER_DEPTH && this.queue.length > 0) {
        const p = this.queue.shift()!;
        slot.inFlight.set(p.job.id, p);
        slot.worker.postMessage(p.job, [p.job.scalars.buffer as ArrayBuffer]);
      }
    }
  }

  /** Multiplies the group generator by each 32-byte little-endian scalar (the buffer is transferred). */
  multiply(group: Group, scalars: Uint8Array, encodings: boolean): Promise<JobResult> {
    if (this.failed) return Promise.reject(this.failed);
    const job: JobMessage = { type: "job", id: this.nextId++, group, scalars, encodings };
    return new Promise<JobResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
