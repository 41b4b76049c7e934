/**
 * The development ceremony's secrets, derived from a PUBLIC seed.
 *
 * Anyone who knows the seed knows tau, alpha and beta (the "toxic waste") and can forge
 * proofs for any circuit set up from this file. This is for local development only.
 *
 * Hash-to-field: for each label, two SHA-256 blocks over a domain-separated message give a
 * 512-bit big-endian integer, reduced mod r (bias below 2^-250). A zero result (never seen
 * in practice) moves on to the next counter.
 */
import { createHash } from "node:crypto";
import { fromBytesBE } from "./fr.js";

export const DEFAULT_SEED = "zk-asset-bridge dev ceremony v1";

/** Domain separation tag: changing it changes every derived value. */
export const DOMAIN_TAG = "zk-asset-bridge/dev-ptau/v1";

export interface CeremonySecrets {
  /** The powers-of-tau secret. */
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  /**
   * Discrete logs of the proof-of-knowledge base points g1_s of the contribution record
   * (snarkjs draws those points at random; here they are derived too, for reproducibility).
   */
  pokBase: { tau: bigint; alpha: bigint; beta: bigint };
}

function lengthPrefixed(s: string): Buffer {
  const bytes = Buffer.from(s, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** A nonzero field element derived from (seed, label). */
export function hashToField(seed: string, label: string): bigint {
  for (let counter = 0; counter < 256; counter++) {
    const blocks = [0, 1].map((block) =>
      createHash("sha256")
        .update(lengthPrefixed(DOMAIN_TAG))
        .update(lengthPrefixed(label))
        .update(lengthPrefixed(seed))
        .update(Buffer.from([counter, block]))
        .digest(),
    );
    const x = fromBytesBE(Buffer.concat(blocks));
    if (x !== 0n) return x;
  }
  throw new Error(`hashToField: no nonzero value for label "${label}"`);
}

export function deriveSecrets(seed: string): CeremonySecrets {
  if (seed.length === 0) throw new Error("dev-ptau: the seed must not be empty");
  return {
    tau: hashToField(seed, "tau"),
    alpha: hashToField(seed, "alpha"),
    beta: hashToField(seed, "beta"),
    pokBase: {
      tau: hashToField(seed, "pok-base/tau"),
      alpha: hashToField(seed, "pok-base/alpha"),
      beta: hashToField(seed, "pok-base/beta"),
    },
  };
}
