/**
 * Real local chains for integration and restart tests: starts `node_modules/.bin/anvil` on a free
 * port, waits until it answers, and stops it (by its own pid) when asked.
 *
 *   const l1 = await startAnvil({ chainId: 31337 });
 *   after(() => l1.stop());
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { sleep } from "../runtime/retry.js";

/** The first ten anvil dev accounts (default mnemonic "test test ... junk"): public test keys only. */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
] as const satisfies readonly `0x${string}`[];

export interface Anvil {
  url: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops this anvil (SIGTERM to its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface AnvilOptions {
  chainId: number;
  /** Seconds between blocks; default: a block per transaction (automine). */
  blockTime?: number;
  /** Do not mine at all (test mines with evm_mine / anvil_mine). */
  noMining?: boolean;
  /** Extra command-line arguments. */
  args?: string[];
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Raw JSON-RPC (anvil cheat methods such as evm_increaseTime, anvil_mine). */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export const ANVIL_BIN = "node_modules/.bin/anvil";

/** anvil's command line for `options` on 127.0.0.1:`port` (quiet unless `verbose`). */
export function anvilArgs(port: number, options: AnvilOptions, verbose = false): string[] {
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(options.chainId)];
  if (!verbose) args.push("--silent");
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.noMining) args.push("--no-mining");
  args.push(...(options.args ?? []));
  return args;
}

/** Resolves once `url` answers eth_chainId; false after `timeoutMs` or once `gone()` says the process exited. */
export async function waitForRpc(url: string, timeoutMs: number, gone: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    try {
      await rpc(url, "eth_chainId");
      return true;
    } catch {
      await sleep(50);
    }
  }
  return false;
}

/** Starts anvil; rejects with its output when it does not come up within 15 s. */
export async function startAnvil(options: AnvilOptions): Promise<Anvil> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(ANVIL_BIN, anvilArgs(port, options), { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    const url = `http://127.0.0.1:${port}`;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    if (await waitForRpc(url, 15_000, () => child.exitCode !== null)) {
      return {
        url,
        port,
        chainId: options.chainId,
        process: child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
            await exited;
          }
        },
      };
    }
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    // The port may have been taken between freePort() and anvil's bind: try another one.
    if (attempt >= 3) throw new Error(`anvil did not start on port ${port}: ${output.trim() || "no output"}`);
  }
}

/** Mines `blocks` empty blocks (anvil_mine). */
export async function mineBlocks(url: string, blocks = 1): Promise<void> {
  await rpc(url, "anvil_mine", [`0x${blocks.toString(16)}`]);
}

/** Turns automine on or off (evm_setAutomine). */
export async function setAutomine(url: string, on: boolean): Promise<void> {
  await rpc(url, "evm_setAutomine", [on]);
}
