/**
 * build/devnet/devnet.json: what `make devnet` started (pid, command, log of each process; the URLs
 * and the CLI's environment), written as each process starts so that `make devnet-stop` can stop a
 * devnet whose start failed halfway. Stopping signals only pids that still run the recorded command.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killGroup } from "../e2e/processes.js";
import { sleep } from "../runtime/retry.js";

export interface RecordedProcess {
  name: string;
  pid: number;
  /** A piece of its command line (/proc/<pid>/cmdline) that tells it from a reused pid. */
  match: string;
  logFile: string;
}

export interface DevnetState {
  startedAt: string;
  processes: RecordedProcess[];
  urls: Record<string, string>;
  /** The CLI's environment (the export lines). */
  env: Record<string, string>;
}

export const statePath = (root: string) => join(root, "devnet.json");

export function readState(root: string): DevnetState | undefined {
  const path = statePath(root);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DevnetState;
}

export function writeState(root: string, state: DevnetState): void {
  const path = statePath(root);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** True while `p.pid` is alive and still runs its recorded command. */
export function isRunning(p: RecordedProcess): boolean {
  try {
    process.kill(p.pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").join(" ").includes(p.match);
  } catch {
    return true; // no /proc: trust the pid
  }
}

/** Stops every recorded process, last started first: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function stopRecorded(
  processes: readonly RecordedProcess[],
  log: (line: string) => void,
  graceMs = 15_000,
): Promise<void> {
  for (const p of [...processes].reverse()) {
    if (!isRunning(p)) {
      log(`  ${p.name}: not running`);
      continue;
    }
    killGroup(p.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (isRunning(p) && Date.now() < deadline) await sleep(100);
    if (isRunning(p)) {
      killGroup(p.pid, "SIGKILL");
      while (isRunning(p)) await sleep(50);
      log(
        `  ${p.name} (pid ${p.pid}): killed, as it had not exited ${graceMs / 1000} s after SIGTERM ` +
          "(a node waits for a proof in progress; what it wrote is on disk)",
      );
    } else log(`  ${p.name} (pid ${p.pid}): stopped`);
  }
}

/** `make devnet-stop`: stops what devnet.json lists and removes it (logs and data stay). */
export async function stopDevnet(root: string, log: (line: string) => void): Promise<void> {
  const state = readState(root);
  if (!state) {
    log(`no devnet to stop (no ${statePath(root)})`);
    return;
  }
  log(`stopping the devnet started ${state.startedAt}:`);
  await stopRecorded(state.processes, log);
  rmSync(statePath(root), { force: true });
  log(`devnet stopped; logs and data stay in ${root}`);
}
