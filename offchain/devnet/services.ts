/**
 * Every process `make devnet` runs, in start order, in one table: the chains come up first, then the
 * bridge is deployed (devnet.ts), then the services. To add a process (an attester, a second prover,
 * ...), add an entry here: its command, its environment and how to tell it is up. It is then started
 * detached with its log under build/devnet/logs/, recorded in devnet.json, listed at the end, and
 * stopped by `make devnet-stop`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Deployments, E2E_ATTESTERS, E2E_THRESHOLD, type Side } from "../e2e/chains.js";
import { sleep } from "../runtime/retry.js";
import { ANVIL_BIN, anvilArgs, waitForRpc } from "../testing/anvil.js";
import type { DevnetConfig } from "./config.js";

/** What the services' commands and checks may use. */
export interface DevnetContext {
  config: DevnetConfig;
  l1: Side;
  l2: Side;
  /** Absolute paths. */
  deploymentsDir: string;
  dataDir: string;
  /** Filled once the bridge is deployed (services only). */
  deployments?: Deployments;
  /** The node's environment (RPC URLs, chain ids, keys, DEPLOYMENTS_DIR, DATA_DIR, ...), services only. */
  nodeEnv: Record<string, string>;
}

export interface ProcessSpec {
  name: string;
  /** "chain": before the deployment; "service": after it. */
  phase: "chain" | "service";
  command(d: DevnetContext): { command: string; args: string[]; env?: Record<string, string> };
  /** A piece of the command line that tells this process from a reused pid (devnet-stop checks it). */
  match(d: DevnetContext): string;
  /** Resolves once the process is up; `alive()` turns false when it exited. Rejects with the reason otherwise. */
  ready(d: DevnetContext, logFile: string, alive: () => boolean): Promise<void>;
  /** The line printed for it at the end (its URL, ...). */
  describe(d: DevnetContext): string;
}

const TSX = ["--import", "tsx"];
const READY_MS = 60_000;

/** Resolves once `logFile` has a line matching `pattern`. */
async function logSays(logFile: string, pattern: RegExp, alive: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (existsSync(logFile) && pattern.test(readFileSync(logFile, "utf8"))) return;
    if (!alive()) throw new Error(`${what} exited before it was up`);
    await sleep(200);
  }
  throw new Error(`${what} was not up within ${READY_MS / 1000} s`);
}

/** Resolves once `url` answers HTTP 200. */
async function httpOk(url: string, alive: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (!alive()) throw new Error(`${what} exited before it was up`);
    await sleep(200);
  }
  throw new Error(`${what} did not answer ${url} within ${READY_MS / 1000} s`);
}

function anvil(layer: "L1" | "L2"): ProcessSpec {
  const side = (d: DevnetContext) => (layer === "L1" ? d.l1 : d.l2);
  const port = (d: DevnetContext) => (layer === "L1" ? d.config.l1Port : d.config.l2Port);
  return {
    name: `anvil-${layer.toLowerCase()}`,
    phase: "chain",
    command: (d) => ({ command: ANVIL_BIN, args: anvilArgs(port(d), { chainId: side(d).chainId }, true) }),
    match: (d) => `--port ${port(d)}`,
    ready: async (d, _log, alive) => {
      if (!(await waitForRpc(side(d).url, 15_000, () => !alive()))) throw new Error(`anvil ${layer} did not come up`);
    },
    describe: (d) => `${layer} ${side(d).url} (chain ${side(d).chainId}, anvil)`,
  };
}

const explorerUrl = (d: DevnetContext) => `http://127.0.0.1:${d.config.explorerPort}/`;

/** Attester `i` of the three (own key, data directory and port; the devnet uses threshold 2). */
function attester(i: number): ProcessSpec {
  const url = (d: DevnetContext) => `http://127.0.0.1:${d.config.attesterPorts[i]}`;
  return {
    name: `attester-${i + 1}`,
    phase: "service",
    command: (d) => ({
      command: process.execPath,
      args: [...TSX, "offchain/attester/index.ts"],
      env: {
        L1_RPC_URL: d.l1.url,
        L2_RPC_URL: d.l2.url,
        L1_CHAIN_ID: String(d.l1.chainId),
        L2_CHAIN_ID: String(d.l2.chainId),
        DEPLOYMENTS_DIR: d.deploymentsDir,
        ATTESTER_PRIVATE_KEY: E2E_ATTESTERS[i]!.key,
        ATTESTER_DATA_DIR: join(d.config.root, `attester-${i + 1}`),
        ATTESTER_PORT: String(d.config.attesterPorts[i]),
        CONFIRMATIONS: "0",
      },
    }),
    match: () => "offchain/attester/index.ts",
    ready: (d, _log, alive) => httpOk(`${url(d)}/health`, alive, `attester ${i + 1}`),
    describe: (d) => `attester ${i + 1} ${url(d)} (${E2E_ATTESTERS[i]!.address}; ${E2E_THRESHOLD} of 3 sign)`,
  };
}

export const PROCESSES: readonly ProcessSpec[] = [
  anvil("L1"),
  anvil("L2"),
  attester(0),
  attester(1),
  attester(2),
  {
    name: "node",
    phase: "service",
    command: (d) => ({
      command: process.execPath,
      args: [...TSX, "offchain/node.ts"],
      env: { ...d.nodeEnv, ...(d.config.nodeServices ? { NODE_SERVICES: d.config.nodeServices } : {}) },
    }),
    match: () => "offchain/node.ts",
    ready: (_d, logFile, alive) => logSays(logFile, /"msg":"node starting"/, alive, "the node"),
    describe: (d) =>
      `node ${d.config.nodeServices ?? "monitor, extractor, prover, sender"}; database ${join(d.dataDir, "bridge.sqlite")}`,
  },
  {
    name: "explorer",
    phase: "service",
    command: (d) => ({
      command: process.execPath,
      args: [...TSX, "offchain/explorer/index.ts"],
      env: { ...d.nodeEnv, EXPLORER_PORT: String(d.config.explorerPort) },
    }),
    match: () => "offchain/explorer/index.ts",
    ready: (d, _log, alive) => httpOk(`${explorerUrl(d)}api/status`, alive, "the explorer"),
    describe: (d) => `explorer ${explorerUrl(d)} (page and JSON API)`,
  },
];
