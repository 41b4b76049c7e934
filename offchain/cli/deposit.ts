/**
 * `deposit`: ETH or a docked ERC-20 into AssetStorage on L1 (approving the ERC-20 when needed).
 */
import { parseEventLogs } from "viem";
import { storageAbi, tokenAbi } from "./abi.js";
import { type CliContext, parseAddress } from "./context.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, parseAmount, resolveToken } from "./tokens.js";
import { sendCall, TxError } from "./tx.js";

export interface DepositArgs {
  token: string;
  amount: string;
  raw?: boolean;
  to?: string;
}

export async function deposit(ctx: CliContext, a: DepositArgs): Promise<CommandResult> {
  const token = await resolveToken(ctx, a.token, "L1");
  const amount = parseAmount(a.amount, token, a.raw === true);
  const me = ctx.signer("L1").account.address;
  const to = a.to !== undefined ? parseAddress(a.to, "to") : me;
  const storage = ctx.assetStorage;
  const lines: string[] = [];
  let approval: ReturnType<typeof txInfo> | undefined;
  let receipt: Awaited<ReturnType<typeof sendCall>>;
  if (token.l1Address === null) {
    receipt = await sendCall(
      ctx,
      "L1",
      { address: storage, abi: storageAbi, functionName: "depositETH", args: [to], value: amount },
      "depositETH",
    );
  } else {
    const erc20 = token.l1Address;
    const allowance = await ctx
      .client("L1")
      .readContract({ address: erc20, abi: tokenAbi, functionName: "allowance", args: [me, storage] });
    if (allowance < amount) {
      const r = await sendCall(
        ctx,
        "L1",
        { address: erc20, abi: tokenAbi, functionName: "approve", args: [storage, amount] },
        `approve ${token.symbol}`,
      );
      approval = txInfo(r);
      lines.push(`Approved AssetStorage to take ${formatAmount(amount, token)}.`, txLine("L1", r));
    }
    receipt = await sendCall(
      ctx,
      "L1",
      { address: storage, abi: storageAbi, functionName: "depositERC20", args: [erc20, amount, to] },
      "depositERC20",
    );
  }
  const [queued] = parseEventLogs({ abi: storageAbi, eventName: "DepositQueued", logs: receipt.logs });
  if (!queued) throw new TxError(`deposit ${receipt.transactionHash} emitted no DepositQueued event`);
  const credited = queued.args.amount;
  lines.push(
    `Deposit #${queued.args.depositId}: ${formatAmount(credited, token)} to ${to} on L2.`,
    txLine("L1", receipt),
    "The relayer credits it on L2 shortly; `balance` shows it there.",
  );
  if (credited !== amount) lines.push(`Note: the token delivered ${formatAmount(credited, token)} (a transfer fee).`);
  return {
    lines,
    data: {
      depositId: queued.args.depositId,
      tokenId: token.tokenId,
      symbol: token.symbol,
      amount: credited,
      recipient: to,
      depositor: me,
      timestamp: queued.args.timestamp,
      tx: txInfo(receipt),
      ...(approval ? { approvalTx: approval } : {}),
    },
  };
}
