/**
 * `claim`: pays out pending withdrawals on L1 (proven withdrawals, exits, cancelled deposits).
 */
import type { Address } from "viem";
import { storageAbi } from "./abi.js";
import { type CliContext, parseAddress } from "./context.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, listTokens, resolveToken } from "./tokens.js";
import { sendCall, TxError } from "./tx.js";

export interface ClaimArgs {
  token?: string;
  for?: string;
}

export async function claim(ctx: CliContext, a: ClaimArgs): Promise<CommandResult> {
  const me = ctx.signer("L1").account.address;
  const account: Address = a.for !== undefined ? parseAddress(a.for, "for") : me;
  const tokens = a.token !== undefined ? [await resolveToken(ctx, a.token, "L1")] : await listTokens(ctx);
  const client = ctx.client("L1");
  const claimed: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (const t of tokens) {
    const pending = await client.readContract({
      address: ctx.assetStorage,
      abi: storageAbi,
      functionName: "pendingWithdrawals",
      args: [account, t.tokenId],
    });
    if (pending === 0n) continue;
    const receipt = await sendCall(
      ctx,
      "L1",
      account === me
        ? { address: ctx.assetStorage, abi: storageAbi, functionName: "claim", args: [t.tokenId] }
        : { address: ctx.assetStorage, abi: storageAbi, functionName: "claimFor", args: [account, t.tokenId] },
      `claim ${t.symbol}`,
    );
    lines.push(`Claimed ${formatAmount(pending, t)} for ${account}.`, txLine("L1", receipt));
    claimed.push({ tokenId: t.tokenId, symbol: t.symbol, amount: pending, tx: txInfo(receipt) });
  }
  if (claimed.length === 0) {
    const what = a.token !== undefined ? `${tokens[0]?.symbol}` : "any token";
    if (a.token !== undefined) {
      throw new TxError(
        `nothing to claim for ${account} in ${what}: withdrawals become claimable once their batch is proven on L1`,
      );
    }
    lines.push(`Nothing to claim for ${account} in ${what}.`);
  }
  return { lines, data: { account, claimed } };
}
