/**
 * Test-only: today's attested contracts (docs/protocol.md section 14) on two anvil chains, deployed
 * from the forge artifacts with the test attester set ANVIL_KEYS[6..8] (threshold 2), a deployments
 * directory the attester's config loader reads, and credits signed with lib/attestation.ts, so the
 * contracts check the digests and packing this repository's TypeScript produces.
 * (offchain/testing/bridge.ts will deploy the same; until it does the attester tests use this.)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, getContractAddress, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetReceivingAbi } from "../lib/abi.js";
import {
  attestationDigest,
  type BridgeContracts,
  depositAttestation,
  packSignatures,
  signDigest,
} from "../lib/attestation.js";
import type { DepositRecord } from "../lib/protocol.js";
import { type ChainConfig, publicClientFor, type SignerClient, walletClientFor } from "../runtime/chains.js";
import { ANVIL_KEYS, type Anvil, startAnvil } from "../testing/anvil.js";
import {
  ACCEPT_ALL_VERIFIER_INITCODE,
  deployArtifact,
  deployBytecode,
  ensureForgeArtifacts,
  writeDeployment,
} from "../testing/deploy.js";

export const KEYS = { governor: ANVIL_KEYS[0], courier: ANVIL_KEYS[1], user: ANVIL_KEYS[3] } as const;
/** The attester set of the contracts: three dev keys, threshold 2. */
export const ATTESTER_KEYS: readonly Hex[] = [ANVIL_KEYS[6], ANVIL_KEYS[7], ANVIL_KEYS[8]];
export const THRESHOLD = 2;
const PRIORITY_DEADLINE = 300n;

export interface Chain {
  anvil: Anvil;
  config: ChainConfig;
  client: PublicClient;
  wallet(key: Hex): SignerClient;
}

export interface AttestedBridge {
  l1: Chain;
  l2: Chain;
  contracts: BridgeContracts;
  /** The set, ascending. */
  attesters: Address[];
  deploymentsDir: string;
  /** L1/L2 RPC URLs, chain ids and DEPLOYMENTS_DIR for loadAttesterConfig. */
  env: Record<string, string>;
  /** Credits deposit `id` on L2, signed by the first two attesters (anyone may send it). */
  credit(id: bigint, record: DepositRecord): Promise<void>;
  stop(): Promise<void>;
}

async function chainOn(chainId: number, name: string): Promise<Chain> {
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

const ascending = (keys: readonly Hex[]): Address[] =>
  keys.map((k) => privateKeyToAccount(k).address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

async function deploy(l1: Chain, l2: Chain, treeDepth: number, batchSize: number): Promise<BridgeContracts> {
  const governor = privateKeyToAccount(KEYS.governor).address;
  const attesters = ascending(ATTESTER_KEYS);
  const l1env = { client: l1.client, wallet: l1.wallet(KEYS.governor) };
  const verifier = await deployBytecode(l1env, ACCEPT_ALL_VERIFIER_INITCODE);
  const nonce = await l2.client.getTransactionCount({ address: governor });
  const l2Ledger = getContractAddress({ from: governor, nonce: BigInt(nonce) });
  const params = {
    verifier,
    treeDepth,
    batchSize,
    priorityDeadline: PRIORITY_DEADLINE,
    l2ChainId: 31338n,
    l2Ledger,
    attesters,
    attesterThreshold: THRESHOLD,
    governanceDelay: 2n * PRIORITY_DEADLINE,
  };
  const assetStorage = await deployArtifact(l1env, "AssetStorage", [governor, params]);
  const l2env = { client: l2.client, wallet: l2.wallet(KEYS.governor) };
  const assetReceiving = await deployArtifact(l2env, "AssetReceiving", [
    governor,
    31337n,
    assetStorage,
    attesters,
    THRESHOLD,
    2n * PRIORITY_DEADLINE,
  ]);
  if (assetReceiving.toLowerCase() !== l2Ledger.toLowerCase())
    throw new Error(`AssetReceiving at ${assetReceiving}, L1 expects ${l2Ledger}`);
  return { l1ChainId: 31337, assetStorage, l2ChainId: 31338, assetReceiving };
}

/** Two anvil chains with the attested contracts deployed. */
export async function startAttestedBridge(treeDepth = 16, batchSize = 4): Promise<AttestedBridge> {
  ensureForgeArtifacts(["AssetStorage", "AssetReceiving"]);
  const [l1, l2] = await Promise.all([chainOn(31337, "L1"), chainOn(31338, "L2")]);
  const stop = async () => {
    await Promise.all([l1.anvil.stop(), l2.anvil.stop()]);
  };
  try {
    const contracts = await deploy(l1, l2, treeDepth, batchSize);
    const deploymentsDir = mkdtempSync(join(tmpdir(), "deployments-"));
    writeDeployment(deploymentsDir, {
      chainId: 31337,
      layer: "L1",
      deployBlock: 0,
      contracts: { AssetStorage: contracts.assetStorage },
      params: { treeDepth, batchSize },
    });
    writeDeployment(deploymentsDir, {
      chainId: 31338,
      layer: "L2",
      deployBlock: 0,
      contracts: { AssetReceiving: contracts.assetReceiving },
    });
    const credit = async (id: bigint, record: DepositRecord) => {
      const digest = attestationDigest(depositAttestation(contracts, id, record));
      const sigs = await Promise.all(
        ATTESTER_KEYS.slice(0, THRESHOLD).map(async (k) => ({
          signer: privateKeyToAccount(k).address,
          signature: await signDigest(digest, k),
        })),
      );
      const w = l2.wallet(KEYS.courier);
      const hash = await w.writeContract({
        address: contracts.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "creditDeposit",
        args: [id, record, packSignatures(sigs)],
      });
      const receipt = await l2.client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`creditDeposit ${id} reverted`);
    };
    const env = {
      L1_RPC_URL: l1.anvil.url,
      L2_RPC_URL: l2.anvil.url,
      L1_CHAIN_ID: "31337",
      L2_CHAIN_ID: "31338",
      DEPLOYMENTS_DIR: deploymentsDir,
    };
    return { l1, l2, contracts, attesters: ascending(ATTESTER_KEYS), deploymentsDir, env, credit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
