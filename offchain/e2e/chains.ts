/**
 * The two local chains of the e2e run, the actors' clients and the deployment of both sides with the
 * same `forge script`s a protocol team uses (docs/deploy.md).
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  createWalletClient,
  getContractAddress,
  type Hash,
  http,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainOf } from "../runtime/chains.js";
import { type Deployment, loadDeployment } from "../runtime/config.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { sortedAttesters, TEST_ATTESTER_KEYS, TEST_ATTESTER_THRESHOLD } from "../testing/attesters.js";

/** Who is who in the scenario (anvil's public dev keys: never use them anywhere else). */
export const ROLES = {
  deployer: ANVIL_KEYS[0],
  relayer: ANVIL_KEYS[1],
  sender: ANVIL_KEYS[2],
  alice: ANVIL_KEYS[3],
  bob: ANVIL_KEYS[4],
  anyone: ANVIL_KEYS[5],
} as const;
export type Role = keyof typeof ROLES;

export type Wallet = WalletClient<Transport, Chain, Account>;

export interface Side {
  name: "L1" | "L2";
  url: string;
  chainId: number;
  public: PublicClient;
  wallet(role: Role): Wallet;
}

export function sideOf(name: "L1" | "L2", url: string, chainId: number): Side {
  const chain = chainOf({ name, rpcUrl: url, chainId });
  const transport = http(url, { retryCount: 3 });
  const wallets = new Map<Role, Wallet>();
  return {
    name,
    url,
    chainId,
    public: createPublicClient({ chain, transport, pollingInterval: 200 }),
    wallet(role) {
      let w = wallets.get(role);
      if (!w) {
        w = createWalletClient({ chain, transport, account: privateKeyToAccount(ROLES[role]), pollingInterval: 200 });
        wallets.set(role, w);
      }
      return w;
    },
  };
}

export const addressOf = (role: Role): `0x${string}` => privateKeyToAccount(ROLES[role]).address;

type Writable = "nonpayable" | "payable";

/**
 * One contract's state-changing calls on `side`, typed by its ABI: `(role, functionName, args, value?)`
 * sends the call as `role`, then hands the hash to `settle` (wait, record gas, ...) and returns its result.
 */
export function contractWriter<const A extends Abi, R>(
  side: Side,
  address: Address,
  abi: A,
  settle: (role: Role, hash: Hash) => Promise<R>,
) {
  return async <F extends ContractFunctionName<A, Writable>>(
    role: Role,
    functionName: F,
    args: ContractFunctionArgs<A, Writable, F>,
    value?: bigint,
  ): Promise<R> => {
    // functionName and args are checked against the ABI by the signature above; viem's own request
    // type cannot follow a generic ABI, hence the cast.
    const request = { address, abi, functionName, args, value } as unknown as Parameters<Wallet["writeContract"]>[0];
    return settle(role, await side.wallet(role).writeContract(request));
  };
}

/** Waits for a transaction and fails loudly when it reverted. */
export async function mined(side: Side, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await side.public.waitForTransactionReceipt({ hash, timeout: 60_000 });
  if (receipt.status !== "success") throw new Error(`${side.name} transaction ${hash} reverted`);
  return receipt;
}

/** Runs `forge script` with `env`, logging to `logFile`; rejects on a non-zero exit. */
function forgeScript(script: string, url: string, env: Record<string, string>, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: "a" });
    const child = spawn(
      "tools/forge",
      ["script", script, "--rpc-url", url, "--broadcast", "--private-key", ROLES.deployer, "--slow"],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`forge script ${script} exited ${code}: see ${logFile}`)),
    );
  });
}

export interface Deployments {
  l1: Deployment;
  l2: Deployment;
}

/** The e2e attesters: three anvil dev keys, threshold 2 (offchain/testing/attesters.ts). */
export const E2E_ATTESTERS = sortedAttesters(TEST_ATTESTER_KEYS);
export const E2E_THRESHOLD = TEST_ATTESTER_THRESHOLD;

/**
 * Deploys both sides and reads back deployments/<chainId>.json. L1 goes first and binds the L2 ledger
 * at the deployer's next CREATE address on L2, which DeployL2 then checks (docs/deploy.md).
 */
export async function deployBridge(
  l1: Side,
  l2: Side,
  o: {
    deploymentsDir: string;
    logDir: string;
    priorityDeadline: number;
    depth: number;
    batch: number;
    publicSlots: number;
  },
): Promise<Deployments> {
  const l2Nonce = await l2.public.getTransactionCount({ address: addressOf("deployer") });
  const l2Ledger = getContractAddress({ from: addressOf("deployer"), nonce: BigInt(l2Nonce) });
  const common = {
    DEPLOYMENTS_DIR: o.deploymentsDir,
    ATTESTERS: E2E_ATTESTERS.map((a) => a.address).join(","),
    ATTESTER_THRESHOLD: String(E2E_THRESHOLD),
    // Dev: a few minutes, and never below the priority deadline (L1 refuses that).
    GOVERNANCE_DELAY: String(Math.max(2 * o.priorityDeadline, 300)),
    L2_LEDGER: l2Ledger,
  };
  await forgeScript(
    "script/DeployL1.s.sol",
    l1.url,
    {
      ...common,
      L2_CHAIN_ID: String(l2.chainId),
      TREE_DEPTH: String(o.depth),
      BATCH_SIZE: String(o.batch),
      PUBLIC_SLOTS: String(o.publicSlots),
      PRIORITY_DEADLINE: String(o.priorityDeadline),
      DEMO_TOKEN: "true",
    },
    join(o.logDir, "deploy-l1.log"),
  );
  const l1Deployment = loadDeployment(o.deploymentsDir, l1.chainId);
  await forgeScript(
    "script/DeployL2.s.sol",
    l2.url,
    {
      ...common,
      L1_CHAIN_ID: String(l1.chainId),
      L1_STORAGE: l1Deployment.contracts.AssetStorage ?? "",
      METADATA_RELAYER: addressOf("relayer"),
    },
    join(o.logDir, "deploy-l2.log"),
  );
  return { l1: l1Deployment, l2: loadDeployment(o.deploymentsDir, l2.chainId) };
}

/** The node's environment for a bridge deployed by deployBridge (docs/operations.md lists every variable). */
export function nodeEnvOf(o: {
  l1: Side;
  l2: Side;
  deploymentsDir: string;
  dataDir: string;
  circuitDir: string;
  proverWorkers: number;
}): Record<string, string> {
  return {
    L1_RPC_URL: o.l1.url,
    L2_RPC_URL: o.l2.url,
    L1_CHAIN_ID: String(o.l1.chainId),
    L2_CHAIN_ID: String(o.l2.chainId),
    DEPLOYMENTS_DIR: o.deploymentsDir,
    DATA_DIR: o.dataDir,
    RELAYER_PRIVATE_KEY: ROLES.relayer,
    SENDER_PRIVATE_KEY: ROLES.sender,
    CONFIRMATIONS: "1",
    POLL_INTERVAL_MS: "300",
    BATCH_TIMEOUT_MS: "5000",
    PROVER_WORKERS: String(o.proverWorkers),
    CIRCUIT_DIR: o.circuitDir,
    LOG_LEVEL: "info",
  };
}

/** Throws unless `circuitDir` holds the prover's artifacts (wasm, zkey, verification key). */
export function requireCircuit(circuitDir: string, depth: number, batch: number, publicSlots: number): void {
  for (const f of ["batch_js/batch.wasm", "batch.zkey", "verification_key.json"]) {
    if (!existsSync(join(circuitDir, f))) {
      throw new Error(
        `${join(circuitDir, f)} is missing: run make circuit-setup DEPTH=${depth} BATCH=${batch} PUBLIC=${publicSlots}`,
      );
    }
  }
}
