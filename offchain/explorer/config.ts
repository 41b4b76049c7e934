/**
 * Explorer configuration: the environment (validated once) plus deployments/<chainId>.json of both
 * chains. The explorer only reads: RPC URLs, the contract addresses, the node database, the proof
 * queue on Redis when REDIS_URL is set (parsed by the prover's loadQueueConfig) and a port.
 */
import type { Address } from "viem";
import { z } from "zod";
import { loadQueueConfig, type QueueConfig } from "../prover/config.js";
import type { ChainConfig } from "../runtime/chains.js";
import { ConfigError, contractAddress, loadDeployment, parseConfig, zInt } from "../runtime/config.js";
import { dbPathOf, envFields, envSource, zPort } from "../runtime/env.js";

export const ExplorerEnv = z.object({
  L1_RPC_URL: envFields.L1_RPC_URL,
  L2_RPC_URL: envFields.L2_RPC_URL,
  L1_CHAIN_ID: envFields.L1_CHAIN_ID,
  L2_CHAIN_ID: envFields.L2_CHAIN_ID,
  DEPLOYMENTS_DIR: envFields.DEPLOYMENTS_DIR,
  DATA_DIR: envFields.DATA_DIR,
  LOG_BLOCK_RANGE: envFields.LOG_BLOCK_RANGE,
  EXPLORER_PORT: zPort,
  EXPLORER_HOST: z.string().default("127.0.0.1"),
  EXPLORER_RPC_TIMEOUT_MS: zInt(100).default(3_000),
});

export interface ExplorerConfig {
  l1: ChainConfig;
  l2: ChainConfig;
  assetStorage: Address;
  assetReceiving: Address;
  /** Where the L1 event scan starts. */
  l1DeployBlock: bigint;
  /** Blocks per eth_getLogs call. */
  blockRange: number;
  /** A chain or Redis read slower than this counts as that source being unreachable (the page must stay live). */
  rpcTimeoutMs: number;
  /** Where proof jobs live: the node database, or BullMQ on Redis with REDIS_URL (same parser as the prover). */
  queue: QueueConfig;
  port: number;
  host: string;
  dataDir: string;
  dbPath: string;
}

/** Parses the explorer's configuration (EXPLORER_PORT is required here). Throws ConfigError. */
export function loadExplorerConfig(env: NodeJS.ProcessEnv = process.env): ExplorerConfig {
  const source = envSource(env);
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const parsed = attempt(() => parseConfig(ExplorerEnv, source));
  const queue = attempt(() => loadQueueConfig(source));
  if (!parsed || !queue) throw new ConfigError(problems);
  const e = parsed;
  const l1d = loadDeployment(e.DEPLOYMENTS_DIR, e.L1_CHAIN_ID);
  const l2d = loadDeployment(e.DEPLOYMENTS_DIR, e.L2_CHAIN_ID);
  return {
    l1: { name: "L1", rpcUrl: e.L1_RPC_URL, chainId: e.L1_CHAIN_ID },
    l2: { name: "L2", rpcUrl: e.L2_RPC_URL, chainId: e.L2_CHAIN_ID },
    assetStorage: contractAddress(l1d, "AssetStorage"),
    assetReceiving: contractAddress(l2d, "AssetReceiving"),
    l1DeployBlock: BigInt(l1d.deployBlock),
    blockRange: e.LOG_BLOCK_RANGE,
    rpcTimeoutMs: e.EXPLORER_RPC_TIMEOUT_MS,
    queue,
    port: e.EXPLORER_PORT,
    host: e.EXPLORER_HOST,
    dataDir: e.DATA_DIR,
    dbPath: dbPathOf(e.DATA_DIR),
  };
}
