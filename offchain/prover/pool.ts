/**
 * The prover pool: N worker processes (worker.ts, forked with `--import tsx`) proving jobs
 * from a ProofQueue.
 *
 * Design choice: the parent owns the queue; workers are plain proving processes that talk to
 * it over IPC and never open the database. Why:
 * - only the pool depends on the queue implementation, so swapping SqliteProofQueue for a
 *   BullMQ queue (issue 9) touches no worker code, and workers need no db or redis config;
 * - the pool sees a worker die (its `exit` event) and gives the job back at once instead of
 *   waiting for the lease to expire; the lease still covers the case where the whole prover
 *   service dies (another prover instance takes the job when the lease expires);
 * - one writer per prover service keeps SQLite contention low.
 * Leases are held in the worker's name (`<prefix>-w<slot>-<pid>`) and renewed by the pool each
 * time the worker sends a heartbeat; a worker that stops sending them for a whole lease is
 * considered hung and killed.
 *
 * A dead worker is restarted (with a doubling delay while it keeps dying young). Its job is
 * failed (one attempt used, retried after the queue's backoff, which doubles up to a minute), so a
 * job that crashes every worker costs one crash per backoff and raises the `proof-stalled` alarm
 * (stalls.ts) instead of being given up: the bridge cannot move past it. A job the worker refuses
 * (a witness or proof check error) is deterministic: logged at error and stored as such.
 *
 * stop(): no new claims; SIGTERM to every worker (idle ones exit at once, busy ones report
 * their proof first); after `graceMs` the remaining ones are killed and their jobs released
 * without using an attempt.
 */
import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { Logger } from "../runtime/log.js";
import { LeaseLostError, type ReleasableProofQueue } from "../runtime/node-db/proof-jobs.js";
import type { FromWorker, ToWorker, WorkerConfig } from "./ipc.js";
import type { CircuitArtifacts } from "./prove.js";
import { deterministicError } from "./stalls.js";

export interface ProverPoolOptions {
  queue: ReleasableProofQueue;
  circuit: CircuitArtifacts;
  /** Worker processes (>= 1). */
  workers: number;
  /** Lease of a claimed job, renewed on every worker heartbeat (sent every leaseMs / 4). */
  leaseMs: number;
  log: Logger;
  /** How often idle workers look for new jobs (default 1000 ms). */
  pollMs?: number;
  /** How long stop() lets busy workers finish their proof before killing them (default 30 s). */
  graceMs?: number;
  /** First delay before restarting a dead worker, doubled while it keeps dying young (default 1000 ms, max 30 s). */
  restartDelayMs?: number;
  /** Worker entry file (default worker.ts beside this file; tests pass a wrapper). */
  workerEntry?: string;
  /** Node flags of the workers (default ["--import", "tsx"]). */
  execArgv?: string[];
  /** Environment of the workers (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Prefix of worker ids (default prover-<host>-<pid>). */
  idPrefix?: string;
}

type SlotState = "starting" | "idle" | "busy" | "stopped";

interface RunningJob {
  batchNumber: number;
  attempt: number;
  startedAt: number;
  lastBeat: number;
  /** Set when the lease was lost: the result is discarded. */
  lost: boolean;
}

interface Slot {
  index: number;
  state: SlotState;
  child?: ChildProcess;
  workerId: string;
  job?: RunningJob;
  /** Consecutive early deaths, for the restart backoff. */
  crashes: number;
  spawnedAt: number;
  restartTimer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

/** Events: `started` (batchNumber, workerId, pid, attempt), `proven` (batchNumber, workerId, ms),
 * `failed` (batchNumber, workerId, error), `exit` (workerId, pid, code, signal). */
export class ProverPool extends EventEmitter {
  private readonly slots: Slot[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly spawned: number[] = [];
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly restartDelayMs: number;
  private readonly prefix: string;
  private pollTimer?: NodeJS.Timeout;
  private dispatching = false;
  private dispatchAgain = false;
  private stopping = false;

  constructor(private readonly options: ProverPoolOptions) {
    super();
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError("workers must be >= 1");
    if (!(options.leaseMs > 0)) throw new RangeError("leaseMs must be > 0");
    this.pollMs = options.pollMs ?? 1000;
    this.graceMs = options.graceMs ?? 30_000;
    this.restartDelayMs = options.restartDelayMs ?? 1000;
    this.prefix = options.idPrefix ?? `prover-${hostname()}-${process.pid}`;
  }

  /** Starts the workers and the poll loop. */
  start(): void {
    if (this.slots.length > 0) throw new Error("pool already started");
    for (let i = 0; i < this.options.workers; i++) {
      const slot: Slot = { index: i, state: "stopped", workerId: "", crashes: 0, spawnedAt: 0 };
      this.slots.push(slot);
      this.spawn(slot);
    }
    this.pollTimer = setInterval(() => {
      this.watchdog();
      this.dispatch();
    }, this.pollMs);
  }

  /** Looks for jobs now (instead of at the next poll). */
  wake(): void {
    this.dispatch();
  }

  /** Pids of every worker process this pool started (tests check that none survives stop()). */
  get pids(): readonly number[] {
    return this.spawned;
  }

  /** Worker states, for status logs. */
  status(): { workerId: string; state: SlotState; batchNumber?: number }[] {
    return this.slots.map((s) => ({ workerId: s.workerId, state: s.state, batchNumber: s.job?.batchNumber }));
  }

  /** Graceful shutdown; resolves when every worker has exited and every queue update is written. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.pollTimer);
    const log = this.options.log;
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    const alive = this.slots.filter((s) => s.child && s.exited);
    log.info("stopping workers", { workers: alive.length, busy: alive.filter((s) => s.job).length });
    for (const slot of alive) slot.child!.kill("SIGTERM");
    const all = Promise.all(alive.map((s) => s.exited));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      const left = alive.filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null);
      log.warn("workers still busy after the grace period: killing them", {
        graceMs: this.graceMs,
        workers: left.map((s) => s.workerId),
      });
      for (const slot of left) slot.child!.kill("SIGKILL");
      await all;
    }
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    log.info("workers stopped");
  }

  private spawn(slot: Slot): void {
    const { circuit, leaseMs, log } = this.options;
    const config: WorkerConfig = {
      wasmPath: circuit.wasmPath,
      zkeyPath: circuit.zkeyPath,
      vkeyPath: circuit.vkeyPath,
      heartbeatMs: Math.max(50, Math.floor(leaseMs / 4)),
    };
    const entry = this.options.workerEntry ?? fileURLToPath(new URL("./worker.ts", import.meta.url));
    const child = fork(entry, [JSON.stringify(config)], {
      execArgv: this.options.execArgv ?? ["--import", "tsx"],
      env: this.options.env ?? process.env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    const pid = child.pid ?? -1;
    this.spawned.push(pid);
    slot.child = child;
    slot.state = "starting";
    slot.workerId = `${this.prefix}-w${slot.index}-${pid}`;
    slot.job = undefined;
    slot.spawnedAt = Date.now();
    const workerId = slot.workerId;
    slot.exited = new Promise<void>((resolve) => {
      // "close", not "exit": it comes after the last IPC message, so a proof sent just before exiting is not lost.
      child.once("close", (code, signal) => {
        this.track(this.onExit(slot, child, workerId, code, signal)).then(resolve, resolve);
      });
    });
    child.on("message", (msg: FromWorker) => {
      if (slot.child === child) this.track(this.onMessage(slot, msg));
    });
    child.on("error", (error) => log.error("worker process error", { worker: workerId, error }));
    log.info("worker started", { worker: workerId, pid });
  }

  private async onMessage(slot: Slot, msg: FromWorker): Promise<void> {
    const { queue, leaseMs, log } = this.options;
    const workerId = slot.workerId;
    switch (msg.type) {
      case "ready":
        slot.state = "idle";
        this.dispatch();
        return;
      case "fatal":
        log.error("worker cannot start", { worker: workerId, error: msg.error });
        return; // it exits; onExit restarts it with a backoff
      case "heartbeat": {
        const job = slot.job;
        if (!job || job.batchNumber !== msg.batchNumber || job.lost) return;
        job.lastBeat = Date.now();
        try {
          await queue.heartbeat(job.batchNumber, workerId, leaseMs);
        } catch (error) {
          if (error instanceof LeaseLostError) {
            job.lost = true;
            log.warn("lease lost while proving: the result will be discarded", {
              batchNumber: job.batchNumber,
              worker: workerId,
              error,
            });
          } else {
            log.warn("lease renewal failed", { batchNumber: job.batchNumber, worker: workerId, error });
          }
        }
        return;
      }
      case "done":
      case "error": {
        const job = slot.job;
        if (!job || job.batchNumber !== msg.batchNumber) {
          log.warn("worker answered for a job it does not have", { worker: workerId, batchNumber: msg.batchNumber });
          return;
        }
        slot.job = undefined;
        slot.crashes = 0;
        const elapsedMs = Date.now() - job.startedAt;
        if (msg.type === "done") {
          try {
            await queue.complete(job.batchNumber, workerId, {
              batchNumber: job.batchNumber,
              proof: msg.proof,
              publicSignals: msg.publicSignals,
              worker: workerId,
              provingMs: msg.ms,
            });
            log.info("proof done", { batchNumber: job.batchNumber, worker: workerId, provingMs: msg.ms, elapsedMs });
            this.emit("proven", job.batchNumber, workerId, msg.ms);
          } catch (error) {
            const lost = error instanceof LeaseLostError;
            log[lost ? "warn" : "error"]("proof not stored", { batchNumber: job.batchNumber, worker: workerId, error });
            if (!lost) await this.failJob(job, workerId, `storing the proof failed: ${(error as Error).message}`);
          }
        } else {
          // The worker ran and refused the job (a witness or proof check error): the same input
          // fails the same way again. It is a bug: said loudly, and still retried with backoff.
          const deterministic = msg.kind !== undefined;
          log[deterministic ? "error" : "warn"](
            deterministic ? "proof failed deterministically: a bug, retrying will not help" : "proof failed",
            {
              batchNumber: job.batchNumber,
              worker: workerId,
              attempt: job.attempt,
              elapsedMs,
              kind: msg.kind,
              error: msg.error,
            },
          );
          await this.failJob(job, workerId, deterministic ? deterministicError(msg.kind!, msg.error) : msg.error);
        }
        if (slot.state === "busy") slot.state = "idle";
        this.dispatch();
        return;
      }
    }
  }

  private async failJob(job: RunningJob, workerId: string, error: string): Promise<void> {
    this.emit("failed", job.batchNumber, workerId, error);
    if (job.lost) return;
    try {
      await this.options.queue.fail(job.batchNumber, workerId, error);
    } catch (e) {
      this.options.log.warn("could not give the job back (its lease expires instead)", {
        batchNumber: job.batchNumber,
        worker: workerId,
        error: e,
      });
    }
  }

  private async onExit(
    slot: Slot,
    child: ChildProcess,
    workerId: string,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    const { queue, log } = this.options;
    if (slot.child !== child) return;
    const job = slot.job;
    slot.job = undefined;
    slot.child = undefined;
    slot.state = "stopped";
    this.emit("exit", workerId, child.pid, code, signal);
    if (this.stopping) {
      log.info("worker exited", { worker: workerId, code, signal });
      if (job && !job.lost) {
        try {
          await queue.release(job.batchNumber, workerId, "prover shut down before the proof was done");
          log.info("job released", { batchNumber: job.batchNumber, worker: workerId });
        } catch (error) {
          log.warn("could not release the job (its lease expires instead)", { batchNumber: job.batchNumber, error });
        }
      }
      return;
    }
    log.error("worker died", { worker: workerId, code, signal, batchNumber: job?.batchNumber });
    if (job)
      await this.failJob(job, workerId, `worker ${workerId} exited (code ${code}, signal ${signal}) while proving`);
    const young = Date.now() - slot.spawnedAt < 30_000;
    slot.crashes = young ? slot.crashes + 1 : 0;
    const delay = Math.min(30_000, this.restartDelayMs * 2 ** Math.max(0, slot.crashes - 1));
    slot.restartTimer = setTimeout(() => {
      if (!this.stopping) this.spawn(slot);
    }, delay);
    this.dispatch(); // another idle worker can take the job now
  }

  /** Kills workers that stopped sending heartbeats for a whole lease. */
  private watchdog(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      if (slot.job && slot.child && now - slot.job.lastBeat > this.options.leaseMs) {
        this.options.log.error("worker hung (no heartbeat for a lease): killing it", {
          worker: slot.workerId,
          batchNumber: slot.job.batchNumber,
          silentMs: now - slot.job.lastBeat,
        });
        slot.child.kill("SIGKILL");
      }
    }
  }

  /** Claims a job for each idle worker, lowest batch first; reruns if asked again meanwhile. */
  private dispatch(): void {
    if (this.stopping) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    this.track(
      (async () => {
        try {
          do {
            this.dispatchAgain = false;
            for (const slot of this.slots) {
              if (slot.state !== "idle" || this.stopping) continue;
              if (!(await this.claimFor(slot))) break;
            }
          } while (this.dispatchAgain && !this.stopping);
        } finally {
          this.dispatching = false;
        }
      })(),
    );
  }

  /** Claims one job for `slot` and sends it; false when the queue has nothing (or failed). */
  private async claimFor(slot: Slot): Promise<boolean> {
    const { queue, leaseMs, log } = this.options;
    const workerId = slot.workerId;
    let job: Awaited<ReturnType<typeof queue.claim>>;
    try {
      job = await queue.claim(workerId, leaseMs);
    } catch (error) {
      log.error("claim failed", { worker: workerId, error });
      return false;
    }
    if (!job) return false;
    const child = slot.child;
    if (slot.state !== "idle" || !child || this.stopping || slot.workerId !== workerId) {
      await queue.release(job.batchNumber, workerId, "worker went away before the job was sent").catch(() => {});
      return true;
    }
    const now = Date.now();
    slot.state = "busy";
    slot.job = { batchNumber: job.batchNumber, attempt: job.attempt, startedAt: now, lastBeat: now, lost: false };
    const msg: ToWorker = {
      type: "prove",
      batchNumber: job.batchNumber,
      attempt: job.attempt,
      input: job.input,
      publicSignals: job.publicSignals,
    };
    child.send(msg, (error) => {
      // A send error means the worker is gone: its exit handler fails the job.
      if (error)
        log.warn("could not send the job to the worker", { worker: workerId, batchNumber: job.batchNumber, error });
    });
    log.info("proof started", { batchNumber: job.batchNumber, worker: workerId, attempt: job.attempt });
    this.emit("started", job.batchNumber, workerId, child.pid, job.attempt);
    return true;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, (error) => {
      done();
      this.options.log.error("prover pool internal error", { error });
    });
    return p;
  }
}
