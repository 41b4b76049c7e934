/**
 * Child processes of the e2e run: each one logs to its own file under the run's log folder, runs in
 * its own process group (so its children die with it), and is stopped on exit, failure or Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, createWriteStream, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export class ProcessGroup {
  private readonly running = new Map<string, Started>();
  private runs = new Map<string, number>();

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  /**
   * Starts `command args` with extra `env`; output goes to <logDir>/<name>[-n].log. With `outlive`, the
   * process writes to its log file itself and is not waited for, so it keeps running after this one exits
   * (`make devnet`); otherwise its output is piped through this process.
   */
  start(
    name: string,
    command: string,
    args: string[],
    env: Record<string, string> = {},
    opts: { outlive?: boolean } = {},
  ): Started {
    if (this.running.has(name)) throw new Error(`process ${name} is already running`);
    const run = (this.runs.get(name) ?? 0) + 1;
    this.runs.set(name, run);
    const logFile = join(this.logDir, run === 1 ? `${name}.log` : `${name}-${run}.log`);
    const child = opts.outlive ? spawnOutliving(command, args, env, logFile) : spawnPiped(command, args, env, logFile);
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        this.running.delete(name);
        resolve(code);
      }),
    );
    const started = { name, child, logFile, exited };
    this.running.set(name, started);
    return started;
  }

  get(name: string): Started | undefined {
    return this.running.get(name);
  }

  /** Sends `signal` to the whole process group of `name` and waits (SIGKILL after `graceMs`). */
  async stop(name: string, signal: NodeJS.Signals = "SIGTERM", graceMs = 20_000): Promise<void> {
    const p = this.running.get(name);
    if (!p?.child.pid) return;
    killGroup(p.child.pid, signal);
    const timer = setTimeout(() => p.child.pid && killGroup(p.child.pid, "SIGKILL"), graceMs);
    await p.exited;
    clearTimeout(timer);
  }

  /** Stops every process still running (SIGTERM, then SIGKILL). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name, "SIGTERM", 10_000)));
  }

  /** Synchronous last resort for process exit handlers. */
  killAllNow(): void {
    for (const p of this.running.values()) if (p.child.pid) killGroup(p.child.pid, "SIGKILL");
  }
}

function spawnPiped(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

function spawnOutliving(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", fd, fd], detached: true });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Sends `signal` to the process group `pid` leads (the processes started here lead their own). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
