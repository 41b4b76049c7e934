/**
 * The e2e's attesters: three independent `offchain/attester` processes (own key, own data
 * directory, own port), threshold 2, and who signed each batch that landed on L1, read back from the
 * `submitBatch` calldata and recovered against the contract's own digest.
 */
import { join } from "node:path";
import { type Address, decodeFunctionData, type PublicClient, recoverAddress, size, slice } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { freePort } from "../testing/anvil.js";
import { E2E_ATTESTERS } from "./chains.js";
import type { ProcessGroup } from "./processes.js";

export interface AttesterProcess {
  name: string;
  address: Address;
  url: string;
}

/** Starts one attester process per E2E_ATTESTERS key; resolves once each answers /health. */
export async function startAttesters(
  procs: ProcessGroup,
  o: { env: Record<string, string>; root: string },
): Promise<AttesterProcess[]> {
  const started: AttesterProcess[] = [];
  for (const [i, a] of E2E_ATTESTERS.entries()) {
    const name = `attester-${i + 1}`;
    const port = await freePort();
    procs.start(name, process.execPath, ["--import", "tsx", "offchain/attester/index.ts"], {
      ...o.env,
      ATTESTER_PRIVATE_KEY: a.key,
      ATTESTER_DATA_DIR: join(o.root, name),
      ATTESTER_PORT: String(port),
      CONFIRMATIONS: "0",
    });
    started.push({ name, address: a.address, url: `http://127.0.0.1:${port}` });
  }
  await Promise.all(started.map((a) => untilHealthy(a.url, 60_000)));
  return started;
}

async function untilHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`attester ${url} did not answer /health within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until every attester's /health shows at least `l1Deposits` followed queue requests and `l2Ops` ops. */
export async function untilFollowed(
  attesters: readonly AttesterProcess[],
  want: { l1Deposits?: number; l2Ops?: number },
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const a of attesters) {
    for (;;) {
      const h = (await (await fetch(`${a.url}/health`)).json()) as {
        l1?: { requests?: number };
        l2?: { opCount?: number };
      };
      if ((h.l1?.requests ?? 0) >= (want.l1Deposits ?? 0) && (h.l2?.opCount ?? 0) >= (want.l2Ops ?? 0)) break;
      if (Date.now() > deadline) throw new Error(`${a.url} did not follow ${JSON.stringify(want)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The signers of each landed batch, by name, from its `submitBatch` calldata. */
export async function whoAttested(
  l1: PublicClient,
  storage: Address,
  attesters: readonly AttesterProcess[],
): Promise<{ batchNumber: bigint; signers: string[] }[]> {
  const names = new Map(attesters.map((a) => [a.address.toLowerCase(), a.name]));
  const verified = await l1.getContractEvents({
    address: storage,
    abi: assetStorageAbi,
    eventName: "BatchVerified",
    fromBlock: 0n,
  });
  const out: { batchNumber: bigint; signers: string[] }[] = [];
  for (const v of verified) {
    const tx = await l1.getTransaction({ hash: v.transactionHash });
    const call = decodeFunctionData({ abi: assetStorageAbi, data: tx.input });
    if (call.functionName !== "submitBatch")
      throw new Error(`batch ${v.args.batchNumber} landed through ${call.functionName}`);
    const [, newOpChain, l2OpCount, l2OpHead, , , , signatures] = call.args;
    const batchNumber = v.args.batchNumber as bigint;
    const digest = await l1.readContract({
      address: storage,
      abi: assetStorageAbi,
      functionName: "batchDigest",
      args: [batchNumber, newOpChain, l2OpCount, l2OpHead],
    });
    const signers: string[] = [];
    for (let at = 0; at < size(signatures); at += 65) {
      const signer = await recoverAddress({ hash: digest, signature: slice(signatures, at, at + 65) });
      signers.push(names.get(signer.toLowerCase()) ?? signer);
    }
    out.push({ batchNumber, signers });
  }
  return out;
}
