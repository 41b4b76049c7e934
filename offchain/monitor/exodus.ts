/**
 * Relaying exodus: once L1 `ExodusActivated` is seen, L2 `haltForExodus(signatures)` is called once,
 * with the attesters' signatures that L1 is in exodus, so no op that could never be proven is
 * accepted any more. L2 `halted()` is read first, so a restart (or another courier that relayed it)
 * never sends it twice.
 */
import type { PublicClient } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import { AttestationShortfall } from "../runtime/attestation-source.js";
import { rpcRetry } from "../runtime/rpc.js";
import { outcomeTx, simulateAndSend } from "../runtime/send.js";
import type { L2Context } from "./credit.js";

/** Returns true once L2 is halted (relayed now or before). */
export async function relayExodus(ctx: L2Context): Promise<boolean> {
  const e = ctx.store.exodus();
  if (!e) return false;
  if (e.relayed) return true;
  const log = ctx.log.child({ exodus: e });
  const halted = (l2: PublicClient) =>
    rpcRetry(
      "L2 halted()",
      () => l2.readContract({ address: ctx.assetReceiving, abi: assetReceivingAbi, functionName: "halted" }),
      {
        log,
        signal: ctx.signal,
      },
    );
  if (await halted(ctx.l2)) {
    ctx.store.markExodusRelayed(null);
    log.warn("exodus is active on L1 and L2 is already halted");
    return true;
  }
  let signatures: `0x${string}`;
  try {
    signatures = (await ctx.attestations.exodus()).signatures;
  } catch (error) {
    if (!(error instanceof AttestationShortfall)) throw error;
    log.error("exodus not attested by enough attesters yet; will retry", { reason: error.message });
    return false;
  }
  const sent = await simulateAndSend(
    { client: ctx.l2, wallet: ctx.wallet, log, signal: ctx.signal, ...ctx.tx, what: "haltForExodus" },
    { address: ctx.assetReceiving, abi: assetReceivingAbi, functionName: "haltForExodus", args: [signatures] },
  );
  if (sent.kind === "wouldRevert") {
    log.error("haltForExodus would revert on L2; will retry", { reason: sent.reason });
    return false;
  }
  const tx = outcomeTx(sent);
  if (await halted(ctx.l2)) {
    ctx.store.markExodusRelayed(tx);
    log.warn("exodus relayed: L2 halted", { tx });
    return true;
  }
  log.error("haltForExodus did not halt L2; will retry", {
    tx,
    status: sent.kind === "nonceTaken" ? sent.kind : sent.receipt.status,
  });
  return false;
}
