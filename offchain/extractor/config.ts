/**
 * Extractor configuration, parsed once at start from the environment and the deployment files:
 * L2 RPC and AssetReceiving from deployments/<L2_CHAIN_ID>.json, tree depth and batch size from the
 * L1 deployment's params (the circuit AssetStorage was built for).
 */
import { join } from "node:path";
import { z } from "zod";
import {
  type ChainConfig,
  ConfigError,
  contractAddress,
  loadDeployment,
  parseConfig,
  zInt,
  zUrl,
} from "../runtime/index.js";
import { DEFAULT_DATA_DIR, dbPathOf } from "../runtime/node-db/index.js";

export interface ExtractorConfig {
  l2: ChainConfig;
  assetReceiving: `0x${string}`;
  /** First L2 block to scan (the AssetReceiving deploy block). */
  deployBlock: number;
  treeDepth: number;
  batchSize: number;
  /** K: the most L1-visible ops a batch may hold (deployment params.publicSlots). */
  publicSlots: number;
  /** Blocks a log needs on top of it before it is extracted (1 = the latest block counts). */
  confirmations: number;
  pollIntervalMs: number;
  /** A batch with at least one op is cut after its oldest op waited this long. */
  batchTimeoutMs: number;
  /** Blocks per getLogs call. */
  blockRange: number;
  dbPath: string;
  /** Serve Prometheus metrics on this port (127.0.0.1) when set. */
  metricsPort?: number;
}

const EnvSchema = z.object({
  L2_RPC_URL: zUrl,
  L1_CHAIN_ID: zInt(1).default(31337),
  L2_CHAIN_ID: zInt(1).default(31338),
  DEPLOYMENTS_DIR: z.string().min(1).default("deployments"),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  CONFIRMATIONS: zInt(1).default(1),
  POLL_INTERVAL_MS: zInt(10).default(1000),
  BATCH_TIMEOUT_MS: zInt(0).default(30_000),
  EXTRACTOR_BLOCK_RANGE: zInt(1).default(2000),
  METRICS_PORT: zInt(0).max(65535, "must be a TCP port (0..65535)").optional(),
});

const ParamsSchema = z.object({
  treeDepth: z.coerce.number().int().min(1).max(32),
  batchSize: z.coerce.number().int().min(1).max(1024),
  publicSlots: z.coerce.number().int().min(1).max(1024),
});

/** Reads and validates the extractor's configuration; throws a ConfigError naming each bad field. */
export function loadExtractorConfig(env: NodeJS.ProcessEnv = process.env): ExtractorConfig {
  const e = parseConfig(EnvSchema, env);
  const l2 = loadDeployment(e.DEPLOYMENTS_DIR, e.L2_CHAIN_ID);
  if (l2.layer !== "L2")
    throw new ConfigError([`deployments/${e.L2_CHAIN_ID}.json: layer is ${l2.layer}, expected L2`]);
  const l1 = loadDeployment(e.DEPLOYMENTS_DIR, e.L1_CHAIN_ID);
  const params = parseConfig(ParamsSchema, l1.params, `${join(e.DEPLOYMENTS_DIR, `${e.L1_CHAIN_ID}.json`)} params`);
  return {
    l2: { name: "L2", rpcUrl: e.L2_RPC_URL, chainId: e.L2_CHAIN_ID, pollingIntervalMs: e.POLL_INTERVAL_MS },
    assetReceiving: contractAddress(l2, "AssetReceiving"),
    deployBlock: l2.deployBlock,
    treeDepth: params.treeDepth,
    batchSize: params.batchSize,
    publicSlots: params.publicSlots,
    confirmations: e.CONFIRMATIONS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    batchTimeoutMs: e.BATCH_TIMEOUT_MS,
    blockRange: e.EXTRACTOR_BLOCK_RANGE,
    dbPath: dbPathOf(e.DATA_DIR),
    ...(e.METRICS_PORT !== undefined ? { metricsPort: e.METRICS_PORT } : {}),
  };
}
