/**
 * Shared helpers of `make bench`: the machine description, statistics, and running a command with
 * its wall time, CPU time and peak memory (GNU time) recorded next to the load average.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAvgAtStart: number[];
}

/** Cores and CPU model from /proc/cpuinfo when present (else node's os.cpus()), node version, load. */
export function machine(): Machine {
  let model = cpus()[0]?.model ?? "unknown";
  let cores = cpus().length;
  if (existsSync("/proc/cpuinfo")) {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const models = [...text.matchAll(/^model name\s*:\s*(.+)$/gm)].map((m) => (m[1] ?? "").trim());
    if (models.length > 0) {
      model = models[0] ?? model;
      cores = models.length;
    }
  }
  return {
    cores,
    cpuModel: model,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAvgAtStart: loadavg().map((x) => round(x, 2)),
  };
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}

export interface CommandResult {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  /** User + system CPU seconds of the command and its children (GNU time), when available. */
  cpuSeconds: number | null;
  /** Peak resident set size in MiB (GNU time's "Maximum resident set size"), when available. */
  maxRssMiB: number | null;
  loadAvg1m: number;
}

const GNU_TIME = "/usr/bin/time";

/** Parses the `-v` report of GNU time (the lines it appends to stderr). */
export function parseGnuTime(stderr: string): { cpuSeconds: number | null; maxRssMiB: number | null } {
  const num = (re: RegExp) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : null;
  };
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  const rssKiB = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return {
    cpuSeconds: user === null || sys === null ? null : round(user + sys),
    maxRssMiB: rssKiB === null ? null : round(rssKiB / 1024, 1),
  };
}

/**
 * Runs `argv` from the repo root (through GNU time -v when installed), streaming its stderr
 * lines to ours with a prefix when `echo` is set. Never throws on a non-zero exit: the caller decides.
 */
export function runCommand(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; echo?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const useTime = existsSync(GNU_TIME);
  const [cmd, ...args] = useTime ? [GNU_TIME, "-v", ...argv] : argv;
  const startLoad = loadavg()[0] ?? 0;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs) {
      timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs);
    }
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      if (options.echo) {
        // GNU time's own report (tab-indented lines after "Command being timed") is parsed, not echoed.
        for (const line of text.split("\n")) {
          if (line.trim() && !line.startsWith("\t")) process.stderr.write(`   [${options.echo}] ${line}\n`);
        }
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${argv.join(" ")}: ${e.message}`, { cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const timing = useTime ? parseGnuTime(stderr) : { cpuSeconds: null, maxRssMiB: null };
      resolve({
        command: argv.join(" "),
        code: code ?? 1,
        stdout,
        stderr,
        wallSeconds: round((performance.now() - t0) / 1000),
        ...timing,
        loadAvg1m: round((startLoad + (loadavg()[0] ?? 0)) / 2),
      });
    });
  });
}

/** Throws with the tail of the output when the command failed. */
export function checkOk(r: CommandResult, what: string): CommandResult {
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${what} failed (exit ${r.code}): ${r.command}\n${tail}`);
  }
  return r;
}

export const TSX = ["node", "--import", "tsx"];
