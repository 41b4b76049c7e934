/**
 * `balance`: per token, the L1 wallet balance, the L1 amount pending a claim and the L2 balance, with
 * how much of it is held (reserved by business contracts, docs/business-contracts.md) and spendable.
 */
import { receivingAbi, storageAbi, tokenAbi } from "./abi.js";
import type { CliContext } from "./context.js";
import type { CommandResult } from "./result.js";
import { formatAmount, listTokens, resolveToken, type TokenInfo } from "./tokens.js";

export interface BalanceArgs {
  address?: string;
  token?: string;
}

export async function balance(ctx: CliContext, a: BalanceArgs): Promise<CommandResult> {
  const who = ctx.who(a.address, "address");
  const tokens: TokenInfo[] = a.token !== undefined ? [await resolveToken(ctx, a.token, "L1")] : await listTokens(ctx);
  const l1 = ctx.client("L1");
  const l2 = ctx.client("L2");
  const rows = await Promise.all(
    tokens.map(async (t) => {
      const l2Read = (functionName: "balanceOf" | "heldBalanceOf") =>
        l2.readContract({
          address: ctx.assetReceiving,
          abi: receivingAbi,
          functionName,
          args: [who, BigInt(t.tokenId)],
        });
      const [wallet, pending, bridged, held] = await Promise.all([
        t.l1Address === null
          ? l1.getBalance({ address: who })
          : l1.readContract({ address: t.l1Address, abi: tokenAbi, functionName: "balanceOf", args: [who] }),
        l1.readContract({
          address: ctx.assetStorage,
          abi: storageAbi,
          functionName: "pendingWithdrawals",
          args: [who, t.tokenId],
        }),
        l2Read("balanceOf"),
        l2Read("heldBalanceOf"),
      ]);
      return { token: t, wallet, pending, bridged, held, spendable: bridged - held };
    }),
  );
  const lines = [`Balances of ${who}:`];
  for (const r of rows) {
    lines.push(
      `  ${r.token.symbol} (id ${r.token.tokenId}): L1 wallet ${formatAmount(r.wallet, r.token)}, ` +
        `L1 claimable ${formatAmount(r.pending, r.token)}, L2 ${formatAmount(r.bridged, r.token)} ` +
        `(held ${formatAmount(r.held, r.token)}, spendable ${formatAmount(r.spendable, r.token)})`,
    );
  }
  if (rows.some((r) => r.held > 0n))
    lines.push("Held units are yours (they exit to you at exodus) but reserved by a business contract until released.");
  if (rows.some((r) => r.pending > 0n)) lines.push("Collect the claimable amounts with `claim`.");
  return {
    lines,
    data: {
      address: who,
      tokens: rows.map((r) => ({
        tokenId: r.token.tokenId,
        symbol: r.token.symbol,
        decimals: r.token.decimals ?? null,
        l1Token: r.token.l1Address,
        l1Wallet: r.wallet,
        l1Claimable: r.pending,
        l2: r.bridged,
        l2Held: r.held,
        l2Spendable: r.spendable,
      })),
    },
  };
}
