/**
 * A whole bridge on two fresh anvil chains for integration tests: L1 AssetStorage (with a stand-in
 * verifier that accepts every proof unless `verifier` is given) and L2 AssetReceiving, deployed
 * from the forge artifacts, plus a deployments directory in the format of deployments/<chainId>.json
 * so services can load their configuration as in production.
 *
 * Roles (anvil dev keys): governor ANVIL_KEYS[0], the couriers that pay for credits (relayer,
 * ANVIL_KEYS[1], also the L2 metadata relayer) and for batches (sender, ANVIL_KEYS[2]), users
 * ANVIL_KEYS[3..5], and the attesters ANVIL_KEYS[6..8] (2 of 3, offchain/testing/attesters.ts).
 * `attestations` signs with the first two attesters; tests that need honest ones run the attester.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, getContractAddress, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetReceivingAbi } from "../lib/abi.js";
import { emptyRoot } from "../lib/tree.js";
import type { AttestationSource } from "../runtime/attestation-source.js";
import { type ChainConfig, publicClientFor, type SignerClient, walletClientFor } from "../runtime/chains.js";
import { ANVIL_KEYS, type Anvil, startAnvil } from "./anvil.js";
import { localAttesters, sortedAttesters, TEST_ATTESTER_KEYS, TEST_ATTESTER_THRESHOLD } from "./attesters.js";
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
  publicSlots: number;
  /** Attester addresses (ascending) and threshold of both contracts. */
  attesters: Address[];
  threshold: number;
  /** Signs with the first `threshold` test attesters. */
  attestations: AttestationSource;
  /** A directory holding <l1ChainId>.json and <l2ChainId>.json. */
  deploymentsDir: string;
  /** Environment for the services (RPC URLs, chain ids, keys, DEPLOYMENTS_DIR). */
  env: Record<string, string>;
  /** Environment shared by attester processes of this bridge (each adds its key, data dir and port). */
  attesterEnv: Record<string, string>;
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
  opts: {
    treeDepth?: number;
    batchSize?: number;
    /** K, slot records per batch; default: the batch size (any batch of N ops fits). */
    publicSlots?: number;
    priorityDeadline?: bigint;
    /** "real": the committed Groth16 verifier (src/verifier/BatchVerifier.sol); default: accept every proof. */
    verifier?: "real";
  } = {},
): Promise<TestBridge> {
  ensureForgeArtifacts(["AssetStorage", "AssetReceiving"]);
  const treeDepth = opts.treeDepth ?? 16;
  const batchSize = opts.batchSize ?? 4;
  const publicSlots = opts.publicSlots ?? batchSize;
  const [l1, l2] = await Promise.all([chain(31337, "L1"), chain(31338, "L2")]);
  try {
    const governor = privateKeyToAccount(ROLES.governor).address;
    const l1env = { client: l1.client, wallet: l1.wallet(ROLES.governor) };
    const verifier =
      opts.verifier === "real"
        ? await deployArtifact(l1env, "Groth16Verifier", [], "BatchVerifier.sol")
        : await deployBytecode(l1env, ACCEPT_ALL_VERIFIER_INITCODE);
    const attesters = sortedAttesters(TEST_ATTESTER_KEYS).map((a) => a.address);
    const delay = (opts.priorityDeadline ?? 300n) * 2n;
    // L1 binds the L2 ledger's address, which is the governor's next CREATE address on L2.
    const l2Nonce = await l2.client.getTransactionCount({ address: governor });
    const expectedLedger = getContractAddress({ from: governor, nonce: BigInt(l2Nonce) });
    const assetStorage = await deployArtifact(l1env, "AssetStorage", [
      governor,
      {
        verifier,
        treeDepth,
        batchSize,
        publicSlots,
        priorityDeadline: opts.priorityDeadline ?? 300n,
        l2ChainId: 31338n,
        l2Ledger: expectedLedger,
        attesters,
        attesterThreshold: TEST_ATTESTER_THRESHOLD,
        governanceDelay: delay,
      },
    ]);
    const l2env = { client: l2.client, wallet: l2.wallet(ROLES.governor) };
    const assetReceiving = await deployArtifact(l2env, "AssetReceiving", [
      governor,
      31337n,
      assetStorage,
      attesters,
      TEST_ATTESTER_THRESHOLD,
      delay,
    ]);
    if (assetReceiving.toLowerCase() !== expectedLedger.toLowerCase())
      throw new Error(`AssetReceiving landed at ${assetReceiving}, not at ${expectedLedger} which L1 expects`);
    await setMetadataRelayer(l2env, assetReceiving, privateKeyToAccount(ROLES.relayer).address);
    const deploymentsDir = mkdtempSync(join(tmpdir(), "deployments-"));
    writeDeployment(deploymentsDir, {
      chainId: 31337,
      layer: "L1",
      deployBlock: 0,
      contracts: { AssetStorage: assetStorage, BatchVerifier: verifier },
      params: {
        treeDepth,
        batchSize,
        publicSlots,
        genesisRoot: emptyRoot(treeDepth).toString(),
        priorityDeadline: Number(opts.priorityDeadline ?? 300n),
      },
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
      publicSlots,
      attesters,
      threshold: TEST_ATTESTER_THRESHOLD,
      attestations: localAttesters({ l1: l1.client, l2: l2.client, assetStorage, assetReceiving }),
      deploymentsDir,
      env: {
        L1_RPC_URL: l1.anvil.url,
        L2_RPC_URL: l2.anvil.url,
        L1_CHAIN_ID: "31337",
        L2_CHAIN_ID: "31338",
        DEPLOYMENTS_DIR: deploymentsDir,
        RELAYER_PRIVATE_KEY: ROLES.relayer,
        SENDER_PRIVATE_KEY: ROLES.sender,
        // Services built from this environment ask no attester: tests inject `attestations`.
        ATTESTER_URLS: "http://127.0.0.1:9",
      },
      attesterEnv: {
        L1_RPC_URL: l1.anvil.url,
        L2_RPC_URL: l2.anvil.url,
        L1_CHAIN_ID: "31337",
        L2_CHAIN_ID: "31338",
        DEPLOYMENTS_DIR: deploymentsDir,
        POLL_INTERVAL_MS: "100",
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

/** The governor lets `relayer` mirror token metadata on L2 (a display-only power). */
async function setMetadataRelayer(
  env: { client: PublicClient; wallet: SignerClient },
  assetReceiving: Address,
  relayer: Address,
): Promise<void> {
  const hash = await env.wallet.writeContract({
    address: assetReceiving,
    abi: assetReceivingAbi,
    functionName: "setMetadataRelayer",
    args: [relayer],
    account: env.wallet.account,
    chain: env.wallet.chain,
  });
  const receipt = await env.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`setMetadataRelayer reverted (tx ${hash})`);
}
