/**
 * The production attestation source: asks every attester's HTTP API (docs/protocol.md section 14.3)
 * in parallel, checks each answer against the digest the contract that will verify it computes
 * (`depositDigest`, `batchDigest`, `exodusDigest`) and against the set in force on that contract,
 * and packs the first `attesterThreshold()` valid signatures, signers ascending. An answer that
 * does not recover to a member (another message, a foreign or malleable signature, a refusal) is
 * dropped with its reason; fewer than the threshold throws AttestationShortfall.
 */
import { type Address, concat, type Hex, hexToBigInt, type PublicClient, recoverAddress, size, slice } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import type { DepositRecord } from "../lib/protocol.js";
import { AttestationShortfall, type AttestationSource, type Attested, type BatchClaim } from "./attestation-source.js";

/** secp256k1 n / 2: a signature with a larger s is malleable and refused by the contracts. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export interface HttpAttestationsOptions {
  urls: readonly string[];
  /** L1 AssetStorage (checks batch attestations): needed for `batch`. */
  l1?: { client: PublicClient; assetStorage: Address };
  /** L2 AssetReceiving (checks deposit and exodus attestations): needed for `deposit` and `exodus`. */
  l2?: { client: PublicClient; assetReceiving: Address };
  /** Per-request timeout (default 5 s). */
  timeoutMs?: number;
}

interface Answer {
  url: string;
  signer?: Address;
  signature?: Hex;
  reason?: string;
}

/** Why a 65-byte r ‖ s ‖ v signature would be refused on chain, or undefined (pure). */
export function malformedSignature(signature: Hex): string | undefined {
  if (!/^0x[0-9a-fA-F]*$/.test(signature) || size(signature) !== 65) return "not 65 bytes of hex";
  const v = Number(hexToBigInt(slice(signature, 64, 65)));
  if (v !== 27 && v !== 28) return `v is ${v}, not 27 or 28`;
  if (hexToBigInt(slice(signature, 32, 64)) > HALF_N) return "s is in the upper half (malleable)";
  return undefined;
}

async function ask(url: string, path: string, body: unknown, timeoutMs: number): Promise<Answer> {
  try {
    const res = await fetch(new URL(path, url.endsWith("/") ? url : `${url}/`), {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { signature?: Hex; error?: string; reason?: string };
    if (!res.ok || typeof json.signature !== "string")
      return { url, reason: `${url}: HTTP ${res.status} ${json.reason ?? json.error ?? "no signature"}` };
    return { url, signature: json.signature };
  } catch (error) {
    return {
      url,
      reason: `${url}: ${(error as Error).name === "TimeoutError" ? "timed out" : (error as Error).message}`,
    };
  }
}

/** Keeps answers that recover, over `digest`, to a member; returns the first `threshold`, ascending. */
async function pick(
  what: string,
  answers: Answer[],
  digest: Hex,
  members: readonly Address[],
  threshold: number,
): Promise<Attested> {
  const reasons: string[] = [];
  const valid = new Map<string, { signer: Address; signature: Hex }>();
  const inSet = new Set(members.map((m) => m.toLowerCase()));
  for (const a of answers) {
    if (!a.signature) {
      reasons.push(a.reason ?? `${a.url}: no answer`);
      continue;
    }
    const bad = malformedSignature(a.signature);
    const signer = bad
      ? undefined
      : await recoverAddress({ hash: digest, signature: a.signature }).catch(() => undefined);
    if (!signer || !inSet.has(signer.toLowerCase())) {
      reasons.push(`${a.url}: ${bad ?? `signature recovers to ${signer ?? "nothing"}, not a member of the set`}`);
      continue;
    }
    valid.set(signer.toLowerCase(), { signer, signature: a.signature });
  }
  const sorted = [...valid.values()].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1));
  if (sorted.length < threshold) throw new AttestationShortfall(what, sorted.length, threshold, reasons);
  const chosen = sorted.slice(0, threshold);
  return { signatures: concat(chosen.map((c) => c.signature)), signers: chosen.map((c) => c.signer) };
}

/** The attestation source over HTTP attesters (see the file comment). */
export function httpAttestations(o: HttpAttestationsOptions): AttestationSource {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const askAll = (path: string, body?: unknown) => Promise.all(o.urls.map((u) => ask(u, path, body, timeoutMs)));
  const setOf = async (
    client: PublicClient,
    address: Address,
    abi: typeof assetStorageAbi | typeof assetReceivingAbi,
  ) => {
    const [members, threshold] = await Promise.all([
      client.readContract({ address, abi, functionName: "attesters" }) as Promise<readonly Address[]>,
      client.readContract({ address, abi, functionName: "attesterThreshold" }) as Promise<number>,
    ]);
    return { members, threshold };
  };
  const l2 = () => {
    if (!o.l2) throw new Error("httpAttestations: deposit and exodus attestations need the L2 ledger (options.l2)");
    return o.l2;
  };
  return {
    async deposit(depositId: bigint, record: DepositRecord) {
      const { client, assetReceiving } = l2();
      const [digest, set, answers] = await Promise.all([
        client.readContract({
          address: assetReceiving,
          abi: assetReceivingAbi,
          functionName: "depositDigest",
          args: [depositId, record],
        }),
        setOf(client, assetReceiving, assetReceivingAbi),
        askAll(`v1/deposit/${depositId}`),
      ]);
      return pick(`deposit ${depositId}`, answers, digest, set.members, set.threshold);
    },
    async batch(c: BatchClaim) {
      if (!o.l1) throw new Error("httpAttestations: batch attestations need L1 AssetStorage (options.l1)");
      const { client, assetStorage } = o.l1;
      const body = {
        batchNumber: c.batchNumber.toString(),
        newOpChain: c.newOpChain.toString(),
        l2OpCount: c.l2OpCount.toString(),
        l2OpHead: c.l2OpHead,
      };
      const [digest, set, answers] = await Promise.all([
        client.readContract({
          address: assetStorage,
          abi: assetStorageAbi,
          functionName: "batchDigest",
          args: [c.batchNumber, c.newOpChain, c.l2OpCount, c.l2OpHead],
        }),
        setOf(client, assetStorage, assetStorageAbi),
        askAll("v1/batch", body),
      ]);
      return pick(`batch ${c.batchNumber}`, answers, digest, set.members, set.threshold);
    },
    async exodus() {
      const { client, assetReceiving } = l2();
      const [digest, set, answers] = await Promise.all([
        client.readContract({ address: assetReceiving, abi: assetReceivingAbi, functionName: "exodusDigest" }),
        setOf(client, assetReceiving, assetReceivingAbi),
        askAll("v1/exodus"),
      ]);
      return pick("exodus", answers, digest, set.members, set.threshold);
    },
  };
}
