/**
 * `make devnet` settings, read once from the environment. Every variable is optional:
 *
 *   DEVNET_DIR            build/devnet   logs, node data, deployments, devnet.json (inside the repository:
 *                                        forge writes the deployment files there)
 *   DEVNET_L1_PORT        8545           L1 anvil (chain 31337)
 *   DEVNET_L2_PORT        8546           L2 anvil (chain 31338)
 *   DEVNET_EXPLORER_PORT  8090           the explorer page and JSON API
 *   DEVNET_NODE_SERVICES  all four       NODE_SERVICES of the node (e.g. monitor,extractor,sender: no prover)
 *   DEVNET_DEMO_AMOUNT    10000          DEMO minted on L1 to each user account (anvil accounts 3..9)
 *   DEPTH, BATCH, PUBLIC  16, 4, 2       the circuit (the committed verifier's parameters)
 *   CIRCUIT_DIR           build/circuits/batch-d$DEPTH-n$BATCH-k$PUBLIC
 *   PROVER_WORKERS        1              snarkjs processes of the node's prover
 *   PRIORITY_DEADLINE     259200         seconds before an unprocessed deposit opens exodus (3 days)
 */
import { isAbsolute, relative, resolve } from "node:path";
import { z } from "zod";
import { ConfigError, parseConfig, zInt } from "../runtime/config.js";

const zPort = zInt(1).max(65535, "must be a TCP port (1-65535)");

const Env = z.object({
  DEVNET_DIR: z.string().min(1).default("build/devnet"),
  DEVNET_L1_PORT: zPort.default(8545),
  DEVNET_L2_PORT: zPort.default(8546),
  DEVNET_EXPLORER_PORT: zPort.default(8090),
  DEVNET_ATTESTER_PORT: zPort.max(65533).default(8601),
  DEVNET_NODE_SERVICES: z.string().optional(),
  DEVNET_DEMO_AMOUNT: zInt(0).default(10_000),
  DEPTH: zInt(1).default(16),
  BATCH: zInt(1).default(4),
  PUBLIC: zInt(1).default(2),
  CIRCUIT_DIR: z.string().optional(),
  PROVER_WORKERS: zInt(1).default(1),
  PRIORITY_DEADLINE: zInt(1).default(259_200),
});

export interface DevnetConfig {
  /** Repository-relative (forge's fs permissions) and absolute forms of DEVNET_DIR. */
  dir: string;
  root: string;
  l1Port: number;
  l2Port: number;
  explorerPort: number;
  /** The three attesters' API ports (DEVNET_ATTESTER_PORT and the next two). */
  attesterPorts: number[];
  nodeServices: string | undefined;
  demoAmount: bigint;
  depth: number;
  batch: number;
  publicSlots: number;
  circuitDir: string;
  proverWorkers: number;
  priorityDeadline: number;
}

export function loadDevnetConfig(env: NodeJS.ProcessEnv = process.env): DevnetConfig {
  const e = parseConfig(Env, env);
  const root = resolve(e.DEVNET_DIR);
  const dir = relative(process.cwd(), root);
  if (dir === "" || dir.startsWith("..") || isAbsolute(dir)) {
    throw new ConfigError([
      `DEVNET_DIR (environment): ${e.DEVNET_DIR} must be a folder inside the repository (forge writes the deployment files there)`,
    ]);
  }
  const attesterPorts = [0, 1, 2].map((i) => e.DEVNET_ATTESTER_PORT + i);
  const ports = [e.DEVNET_L1_PORT, e.DEVNET_L2_PORT, e.DEVNET_EXPLORER_PORT, ...attesterPorts];
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError([
      `DEVNET_L1_PORT, DEVNET_L2_PORT, DEVNET_EXPLORER_PORT, DEVNET_ATTESTER_PORT (+1, +2): must differ (got ${ports.join(", ")})`,
    ]);
  }
  return {
    dir,
    root,
    l1Port: e.DEVNET_L1_PORT,
    l2Port: e.DEVNET_L2_PORT,
    explorerPort: e.DEVNET_EXPLORER_PORT,
    attesterPorts,
    nodeServices: e.DEVNET_NODE_SERVICES,
    demoAmount: BigInt(e.DEVNET_DEMO_AMOUNT),
    depth: e.DEPTH,
    batch: e.BATCH,
    publicSlots: e.PUBLIC,
    circuitDir: e.CIRCUIT_DIR ?? `build/circuits/batch-d${e.DEPTH}-n${e.BATCH}-k${e.PUBLIC}`,
    proverWorkers: e.PROVER_WORKERS,
    priorityDeadline: e.PRIORITY_DEADLINE,
  };
}
