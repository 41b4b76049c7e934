/**
 * A whole bridge on two fresh anvil chains for integration tests: L1 AssetStorage (with a stand-in
 * verifier that accepts every proof unless `verifier` is given) and L2 AssetReceiving, deployed
 * from the forge artifacts, plus a deployments directory in the format of deployments/<chainId>.json
 * so services can load their configuration as in production.
 *
 * Roles (anvil dev keys): governor ANVIL_KEYS[0], relayer ANVIL_KEYS[1], sender ANVIL_KEYS[2];
 * ANVIL_KEYS[3..] are users.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { emptyRoot } from "../lib/tree.js";
import { type ChainConfig, publicClientFor, type SignerClient, walletClientFor } from "../runtime/chains.js";
import { ANVIL_KEYS, type Anvil, startAnvil } from "./anvil.js";
import {
  ACCEPT_ALL_VERIFIER_INITCODE,
  deployArtifact,
  deployBytecode,
  ensureForgeArtifacts,
  writeDeployment,
} from "./deploy.js";

export const ROLES = {
  governor: ANVIL_KEYS[0],
  relayer: ANVIL_KEYS[1],
  sender: ANVIL_KEYS[2],
  user: ANVIL_KEYS[3],
} as const;

export interface ChainHandle {
  anvil: Anvil;
  config: ChainConfig;
  client: PublicClient;
  /** A wallet for `key` on this chain. */
  wallet(key: `0x${string}`): SignerClient;
}

export interface TestBridge {
  l1: ChainHandle;
  l2: ChainHandle;
  assetStorage: Address;
  assetReceiving: Address;
  verifier: Address;
  treeDepth: number;
  batchSize: number;
  /** A directory holding <l1ChainId>.json and <l2ChainId>.json. */
  deploymentsDir: string;
  /** Environment for the services (RPC URLs, chain ids, keys, DEPLOYMENTS_DIR). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function chain(chainId: number, name: string): Promise<ChainHandle> {
  const anvil = await startAnvil({ chainId });
  const config: ChainConfig = { name, rpcUrl: anvil.url, chainId, pollingIntervalMs: 50 };
  const transport = http(anvil.url, { retryCount: 0 });
  return {
    anvil,
    config,
    client: publicClientFor(config, transport),
    wallet: (key) => walletClientFor(config, key, transport),
  };
}

export async function startTestBridge(
  opts: { treeDepth?: number; batchSize?: number; priorityDeadline?: bigint; verifier?: Address } = {},
): Promise<TestBridge> {
  ensureForgeArtifacts(["AssetStorage", "AssetReceiving"]);
  const treeDepth = opts.treeDepth ?? 16;
  const batchSize = opts.batchSize ?? 4;
  const [l1, l2] = await Promise.all([chain(31337, "L1"), chain(31338, "L2")]);
  try {
    const governor = privateKeyToAccount(ROLES.governor).address;
    const l1env = { client: l1.client, wallet: l1.wallet(ROLES.governor) };
    const verifier = opts.verifier ?? (await deployBytecode(l1env, ACCEPT_ALL_VERIFIER_INITCODE));
    const assetStorage = await deployArtifact(l1env, "AssetStorage", [
      governor,
      privateKeyToAccount(ROLES.sender).address,
      verifier,
      emptyRoot(treeDepth),
      treeDepth,
      batchSize,
      opts.priorityDeadline ?? 300n,
    ]);
    const assetReceiving = await deployArtifact(
      { client: l2.client, wallet: l2.wallet(ROLES.governor) },
      "AssetReceiving",
      [governor, privateKeyToAccount(ROLES.relayer).address],
    );
    const deploymentsDir = mkdtempSync(join(tmpdir(), "deployments-"));
    writeDeployment(deploymentsDir, {
      chainId: 31337,
      layer: "L1",
      deployBlock: 0,
      contracts: { AssetStorage: assetStorage, BatchVerifier: verifier },
      params: { treeDepth, batchSize, genesisRoot: emptyRoot(treeDepth).toString(), priorityDeadline: 300 },
    });
    writeDeployment(deploymentsDir, {
      chainId: 31338,
      layer: "L2",
      deployBlock: 0,
      contracts: { AssetReceiving: assetReceiving },
      params: {},
    });
    return {
      l1,
      l2,
      assetStorage,
      assetReceiving,
      verifier,
      treeDepth,
      batchSize,
      deploymentsDir,
      env: {
        L1_RPC_URL: l1.anvil.url,
        L2_RPC_URL: l2.anvil.url,
        L1_CHAIN_ID: "31337",
        L2_CHAIN_ID: "31338",
        DEPLOYMENTS_DIR: deploymentsDir,
        RELAYER_PRIVATE_KEY: ROLES.relayer,
        SENDER_PRIVATE_KEY: ROLES.sender,
      },
      stop: async () => {
        await Promise.all([l1.anvil.stop(), l2.anvil.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([l1.anvil.stop(), l2.anvil.stop()]);
    throw error;
  }
}
