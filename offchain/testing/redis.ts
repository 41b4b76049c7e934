/**
 * A real redis-server for tests and demos: started on a free port with its data in a folder
 * (AOF on, RDB snapshots off: `--save '' --appendonly yes`), so stopping and starting it again on
 * the same port and folder keeps every key. Needs `redis-server` on PATH
 * (`tools/apt-ensure.sh redis-server:redis-server`, which the Makefile targets run).
 *
 *   const redis = await startRedis();           // temp folder, free port
 *   await redis.stop(); await redis.start();    // a restart that keeps the data
 *   after(() => redis.stop({ removeDir: true }));
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "../runtime/retry.js";
import { freePort } from "./anvil.js";

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** The running process (undefined while stopped). */
  readonly process: ChildProcess | undefined;
  /** Starts it again (same port and folder) after stop(). */
  start(): Promise<void>;
  /** Stops it: SIGTERM (Redis flushes the AOF), or SIGKILL with `{ kill: true }`; `removeDir` deletes the folder. */
  stop(options?: { kill?: boolean; removeDir?: boolean }): Promise<void>;
}

export interface RedisOptions {
  /** Data folder (default: a new temp folder). */
  dir?: string;
  /** Port (default: a free one). */
  port?: number;
  /** Seconds to wait for it to answer PING (default 10). */
  timeoutS?: number;
}

/** True when redis-server is installed. */
export function haveRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Sends PING over a raw socket; true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  if (!haveRedisServer()) {
    throw new Error("redis-server is not installed: run tools/apt-ensure.sh redis-server:redis-server");
  }
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "redis-"));
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const timeoutMs = (options.timeoutS ?? 10) * 1000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = "";

  const start = async () => {
    if (child) throw new Error(`redis-server on port ${port} is already running`);
    output = "";
    const c = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--daemonize",
        "no",
        "--logfile",
        "",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    c.stdout?.on("data", (d) => {
      output = (output + d.toString()).slice(-4000);
    });
    c.stderr?.on("data", (d) => {
      output = (output + d.toString()).slice(-4000);
    });
    child = c;
    exited = new Promise((resolve) =>
      c.once("exit", () => {
        if (child === c) child = undefined;
        resolve();
      }),
    );
    const end = Date.now() + timeoutMs;
    while (!(await ping(port))) {
      if (!child) throw new Error(`redis-server on port ${port} exited at start:\n${output}`);
      if (Date.now() > end) {
        c.kill("SIGKILL");
        throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${output}`);
      }
      await sleep(50);
    }
  };

  const stop = async (o: { kill?: boolean; removeDir?: boolean } = {}) => {
    const c = child;
    if (c) {
      c.kill(o.kill ? "SIGKILL" : "SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (o.removeDir) rmSync(dir, { recursive: true, force: true });
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get process() {
      return child;
    },
    start,
    stop,
  };
}
