/**
 * L2 ledger commands on AssetReceiving (ERC-6909): transfer, approve, set-operator, withdraw.
 */
import { type Address, parseEventLogs, type TransactionReceipt } from "viem";
import { receivingAbi } from "./abi.js";
import { type CliContext, parseAddress } from "./context.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, parseAmount, resolveToken } from "./tokens.js";
import { sendCall } from "./tx.js";

const opIndexOf = (receipt: TransactionReceipt): bigint | undefined =>
  parseEventLogs({ abi: receivingAbi, eventName: "OpLogged", logs: receipt.logs })[0]?.args.opIndex;

export interface TransferArgs {
  to: string;
  token: string;
  amount: string;
  raw?: boolean;
  from?: string;
}

export async function transfer(ctx: CliContext, a: TransferArgs): Promise<CommandResult> {
  const to = parseAddress(a.to, "to");
  const from = a.from !== undefined ? parseAddress(a.from, "from") : undefined;
  const token = await resolveToken(ctx, a.token, "L2");
  const amount = parseAmount(a.amount, token, a.raw === true);
  const id = BigInt(token.tokenId);
  const receipt = await sendCall(
    ctx,
    "L2",
    from === undefined
      ? { address: ctx.assetReceiving, abi: receivingAbi, functionName: "transfer", args: [to, id, amount] }
      : { address: ctx.assetReceiving, abi: receivingAbi, functionName: "transferFrom", args: [from, to, id, amount] },
    from === undefined ? "transfer" : "transferFrom",
  );
  const owner: Address = from ?? ctx.signer("L2").account.address;
  const opIndex = opIndexOf(receipt);
  return {
    lines: [
      `Transferred ${formatAmount(amount, token)} from ${owner} to ${to} on L2 (op ${opIndex}).`,
      txLine("L2", receipt),
    ],
    data: { from: owner, to, tokenId: token.tokenId, symbol: token.symbol, amount, opIndex, tx: txInfo(receipt) },
  };
}

export interface ApproveArgs {
  spender: string;
  token: string;
  amount: string;
  raw?: boolean;
}

export async function approve(ctx: CliContext, a: ApproveArgs): Promise<CommandResult> {
  const spender = parseAddress(a.spender, "spender");
  const token = await resolveToken(ctx, a.token, "L2");
  const amount = parseAmount(a.amount, token, a.raw === true);
  const receipt = await sendCall(
    ctx,
    "L2",
    {
      address: ctx.assetReceiving,
      abi: receivingAbi,
      functionName: "approve",
      args: [spender, BigInt(token.tokenId), amount],
    },
    "approve",
  );
  return {
    lines: [`${spender} may now spend ${formatAmount(amount, token)} of yours on L2.`, txLine("L2", receipt)],
    data: { spender, tokenId: token.tokenId, symbol: token.symbol, amount, tx: txInfo(receipt) },
  };
}

export interface SetOperatorArgs {
  operator: string;
  revoke?: boolean;
}

export async function setOperator(ctx: CliContext, a: SetOperatorArgs): Promise<CommandResult> {
  const operator = parseAddress(a.operator, "operator");
  const approved = a.revoke !== true;
  const receipt = await sendCall(
    ctx,
    "L2",
    { address: ctx.assetReceiving, abi: receivingAbi, functionName: "setOperator", args: [operator, approved] },
    "setOperator",
  );
  return {
    lines: [
      approved
        ? `${operator} is now your L2 operator: it may move any amount of any of your tokens.`
        : `${operator} is no longer your L2 operator.`,
      txLine("L2", receipt),
    ],
    data: { operator, approved, tx: txInfo(receipt) },
  };
}

export interface WithdrawArgs {
  token: string;
  amount: string;
  raw?: boolean;
  to?: string;
}

export async function withdraw(ctx: CliContext, a: WithdrawArgs): Promise<CommandResult> {
  const token = await resolveToken(ctx, a.token, "L2");
  const amount = parseAmount(a.amount, token, a.raw === true);
  const to = a.to !== undefined ? parseAddress(a.to, "to") : ctx.signer("L2").account.address;
  const receipt = await sendCall(
    ctx,
    "L2",
    {
      address: ctx.assetReceiving,
      abi: receivingAbi,
      functionName: "withdraw",
      args: [token.tokenId, amount, to],
    },
    "withdraw",
  );
  const opIndex = opIndexOf(receipt);
  return {
    lines: [
      `Withdrawal of ${formatAmount(amount, token)} to ${to} on L1 requested (L2 op ${opIndex}).`,
      txLine("L2", receipt),
      "Once the batch holding this op is proven on L1, collect it there with `claim`.",
    ],
    data: { l1Recipient: to, tokenId: token.tokenId, symbol: token.symbol, amount, opIndex, tx: txInfo(receipt) },
  };
}
