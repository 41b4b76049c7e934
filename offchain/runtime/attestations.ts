/**
 * The courier side of M-of-N attestations (docs/protocol.md section 14): asks every attester of a
 * set for its signature of one message, checks each answer locally against the digest the courier
 * computed itself, and packs the `bytes signatures` of the first M valid signers (ascending) for
 * the contract call. A courier holds no power: a bad or missing answer only costs it a signature.
 * Also the wire format of the attester HTTP API (offchain/attester/ serves it).
 */

import { type Address, getAddress, type Hex, isAddressEqual } from "viem";
import { z } from "zod";
import {
  type Attestation,
  attestationDigest,
  type BatchClaim,
  checkSignature,
  compareAddresses,
  messageToJson,
  packSignatures,
} from "../lib/attestation.js";
import { BridgeError } from "../lib/errors.js";
import type { Logger } from "./log.js";

/**
 * A signature answer of `GET /v1/deposit/{id}`, `GET /v1/withdrawal-request/{id}`, `POST /v1/batch`,
 * `GET /v1/exodus` (HTTP 200).
 */
export const SignatureAnswerSchema = z.object({
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  digest: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  message: z.record(z.string(), z.string()),
});
export type SignatureAnswer = z.infer<typeof SignatureAnswerSchema>;

/**
 * A refusal (HTTP 409 mismatch, 425 not yet seen, 400 bad request, 503 not following): `reason`
 * says what to fix; `field` names the differing field with the attester's value in `expected`.
 */
export const RefusalSchema = z.object({
  error: z.enum(["mismatch", "not-yet", "bad-request", "unavailable", "not-found"]),
  reason: z.string(),
  field: z.string().optional(),
  expected: z.string().optional(),
  got: z.string().optional(),
});
export type Refusal = z.infer<typeof RefusalSchema>;

/** The HTTP status of each refusal kind. */
export const REFUSAL_STATUS: Record<Refusal["error"], number> = {
  mismatch: 409,
  "not-yet": 425,
  "bad-request": 400,
  unavailable: 503,
  "not-found": 404,
};

/** The body of `POST /v1/batch` (decimal strings, head as 0x hex). */
export const BatchRequestSchema = z.object({
  batchNumber: z.string().regex(/^\d+$/),
  newOpChain: z.string().regex(/^\d+$/),
  l2OpCount: z.string().regex(/^\d+$/),
  l2OpHead: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
});

/** The record fields a courier sends as query parameters, per queue request kind (section 14.3). */
const DEPOSIT_QUERY = ["recipient", "tokenId", "amount", "depositor", "timestamp"] as const;
const WITHDRAWAL_REQUEST_QUERY = ["owner", "tokenId", "timestamp"] as const;
const query = (m: Record<string, unknown>, fields: readonly string[]) =>
  new URLSearchParams(fields.map((k) => [k, m[k] as string]));

/** The HTTP request that asks an attester for `a`. */
export function attesterRequestOf(a: Attestation): { method: "GET" | "POST"; path: string; body?: string } {
  const m = messageToJson(a);
  switch (a.primaryType) {
    case "BatchAttestation": {
      const claim: z.infer<typeof BatchRequestSchema> = {
        batchNumber: m.batchNumber as string,
        newOpChain: m.newOpChain as string,
        l2OpCount: m.l2OpCount as string,
        l2OpHead: m.l2OpHead as string,
      };
      return { method: "POST", path: "/v1/batch", body: JSON.stringify(claim) };
    }
    case "DepositAttestation":
      return { method: "GET", path: `/v1/deposit/${m.depositId}?${query(m, DEPOSIT_QUERY)}` };
    case "WithdrawalRequestAttestation":
      return { method: "GET", path: `/v1/withdrawal-request/${m.requestId}?${query(m, WITHDRAWAL_REQUEST_QUERY)}` };
    case "ExodusAttestation":
      return { method: "GET", path: "/v1/exodus" };
  }
}

/** The batch claim or the deposit record of a request body / query (attester side). */
export const claimOfBatchRequest = (b: z.infer<typeof BatchRequestSchema>): BatchClaim => ({
  batchNumber: BigInt(b.batchNumber),
  newOpChain: BigInt(b.newOpChain),
  l2OpCount: BigInt(b.l2OpCount),
  l2OpHead: b.l2OpHead.toLowerCase() as Hex,
});

/** The on-chain set the signatures are checked against (`attesters()`, `attesterThreshold()`). */
export interface AttesterSet {
  attesters: readonly Address[];
  threshold: number;
}

/** What one attester answered. */
export type AttesterOutcome =
  | { url: string; ok: true; signer: Address; signature: Hex }
  | {
      url: string;
      ok: false;
      /** The signer the answer named, when there was one. */
      signer?: Address;
      /** HTTP status, when the attester answered. */
      status?: number;
      reason: string;
      /** True when asking again later may succeed (not yet seen, timeout, unreachable). */
      retryLater: boolean;
    };

export interface CollectAttestationsParams {
  /** Base URLs of the attesters (`http://host:port`). */
  urls: readonly string[];
  /** The expected message and domain: every signature is checked against its digest. */
  attestation: Attestation;
  set: AttesterSet;
  /** Per attester (default 5000 ms). */
  timeoutMs?: number;
  log?: Logger;
  signal?: AbortSignal;
}

export interface CollectAttestationsResult {
  digest: Hex;
  /** `bytes signatures` of the first `threshold` valid signers, ascending. */
  signatures: Hex;
  /** The signers packed into `signatures`, ascending. */
  signers: Address[];
  /** Every valid signer that answered, ascending (at least `threshold`). */
  answered: Address[];
  /** Every attester that did not give a valid signature, with why. */
  refused: Extract<AttesterOutcome, { ok: false }>[];
}

/** Fewer valid signatures than the threshold; `outcomes` says what each attester answered. */
export class AttestationQuorumError extends BridgeError {
  override name = "AttestationQuorumError";
  constructor(
    readonly valid: number,
    readonly needed: number,
    readonly outcomes: readonly AttesterOutcome[],
  ) {
    super(
      `${valid} valid attestation signature(s) of ${needed} needed: ` +
        outcomes.map((o) => `${o.url}: ${o.ok ? `signed as ${o.signer}` : o.reason}`).join("; "),
    );
  }
  /** True when some refusal may turn into a signature later (retry the courier round). */
  get retryLater(): boolean {
    return this.outcomes.some((o) => !o.ok && o.retryLater);
  }
}

/** Asks every attester in parallel; resolves with the packed signatures or throws AttestationQuorumError. */
export async function collectAttestations(p: CollectAttestationsParams): Promise<CollectAttestationsResult> {
  const digest = attestationDigest(p.attestation);
  const asked = await Promise.all(p.urls.map((url) => askAttester(url, p, digest)));
  const outcomes = dropDuplicateSigners(asked);
  for (const o of outcomes) {
    if (!o.ok)
      p.log?.warn("attester gave no valid signature", {
        url: o.url,
        signer: o.signer,
        status: o.status,
        reason: o.reason,
      });
  }
  const valid = outcomes
    .filter((o): o is Extract<AttesterOutcome, { ok: true }> => o.ok)
    .sort((a, b) => compareAddresses(a.signer, b.signer));
  if (valid.length < p.set.threshold) throw new AttestationQuorumError(valid.length, p.set.threshold, outcomes);
  const used = valid.slice(0, p.set.threshold);
  return {
    digest,
    signatures: packSignatures(used),
    signers: used.map((o) => o.signer),
    answered: valid.map((o) => o.signer),
    refused: outcomes.filter((o): o is Extract<AttesterOutcome, { ok: false }> => !o.ok),
  };
}

/** A second answer signed by the same signer (two URLs, one key) counts once. */
function dropDuplicateSigners(outcomes: readonly AttesterOutcome[]): AttesterOutcome[] {
  const seen = new Set<string>();
  return outcomes.map((o) => {
    if (!o.ok) return o;
    const key = o.signer.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return o;
    }
    return { url: o.url, ok: false, signer: o.signer, reason: `duplicate signer ${o.signer}`, retryLater: false };
  });
}

async function askAttester(url: string, p: CollectAttestationsParams, digest: Hex): Promise<AttesterOutcome> {
  const timeoutMs = p.timeoutMs ?? 5_000;
  const req = attesterRequestOf(p.attestation);
  const signals = [AbortSignal.timeout(timeoutMs), ...(p.signal ? [p.signal] : [])];
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(new URL(req.path, url), {
      method: req.method,
      headers: { "content-type": "application/json" },
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: AbortSignal.any(signals),
    });
    body = await res.json().catch(() => undefined);
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${describe(error)}`;
    return { url, ok: false, reason, retryLater: true };
  }
  if (res.status !== 200) return refusalOutcome(url, res.status, body);
  return checkAnswer(url, body, p, digest);
}

function refusalOutcome(url: string, status: number, body: unknown): AttesterOutcome {
  const refusal = RefusalSchema.safeParse(body);
  const retryLater = status === 425 || status >= 500;
  if (!refusal.success) return { url, ok: false, status, reason: `HTTP ${status} without a refusal body`, retryLater };
  const r = refusal.data;
  const detail = r.field ? ` (field ${r.field}: attester has ${r.expected}, asked ${r.got})` : "";
  return { url, ok: false, status, reason: `${r.error}: ${r.reason}${detail}`, retryLater };
}

async function checkAnswer(
  url: string,
  body: unknown,
  p: CollectAttestationsParams,
  digest: Hex,
): Promise<AttesterOutcome> {
  const parsed = SignatureAnswerSchema.safeParse(body);
  if (!parsed.success)
    return {
      url,
      ok: false,
      status: 200,
      reason: "answer is not {signer, signature, digest, message}",
      retryLater: false,
    };
  const signer = getAddress(parsed.data.signer);
  const refuse = (reason: string): AttesterOutcome => ({
    url,
    ok: false,
    status: 200,
    signer,
    reason,
    retryLater: false,
  });
  if (!p.set.attesters.some((a) => isAddressEqual(a, signer)))
    return refuse(`${signer} is not a member of the attester set`);
  if (parsed.data.digest.toLowerCase() !== digest.toLowerCase())
    return refuse(`signed another message: ${messageDiff(p.attestation, parsed.data.message)}`);
  const check = await checkSignature(digest, parsed.data.signature as Hex, signer);
  if (!check.ok) return refuse(`bad signature: ${check.reason}`);
  return { url, ok: true, signer, signature: parsed.data.signature.toLowerCase() as Hex };
}

/** Names the fields where the attester's message differs from the expected one. */
function messageDiff(expected: Attestation, got: Record<string, string>): string {
  const want = messageToJson(expected);
  const fields = Object.keys(want).filter((k) => String(want[k]).toLowerCase() !== String(got[k]).toLowerCase());
  return fields.length
    ? fields.map((k) => `${k} is ${got[k]}, expected ${want[k]}`).join(", ")
    : "same fields, other digest (domain: chain id or contract)";
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
