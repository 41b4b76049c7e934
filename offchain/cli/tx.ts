/**
 * Sending one contract call for the user: simulate first (so a revert is reported with its custom
 * error and a hint, and nothing is sent), then sign, send and wait for the receipt.
 */

import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { BridgeError } from "../lib/errors.js";
import { REVERT_HINTS } from "./abi.js";
import type { CliContext, Layer } from "./context.js";

/** A transaction that would revert, or reverted. */
export class TxError extends BridgeError {
  override name = "TxError";
}

export interface ContractCall {
  address: Address;
  abi: Abi | readonly unknown[];
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
}

const show = (v: unknown): string => (typeof v === "bigint" ? v.toString() : String(v));

/** The custom error of a revert, as `Name(arg, ...)` plus a hint, or undefined. */
export function describeRevert(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  const name = revert.data?.errorName ?? revert.reason;
  if (!name) return revert.shortMessage;
  const args = revert.data?.args ? `(${revert.data.args.map(show).join(", ")})` : "";
  const hint = REVERT_HINTS[name];
  return `${name}${args}${hint ? `: ${hint}` : ""}`;
}

/** Simulates, sends and waits for `call` on `layer`; throws TxError on a revert. */
export async function sendCall(
  ctx: CliContext,
  layer: Layer,
  call: ContractCall,
  label: string,
): Promise<TransactionReceipt> {
  const wallet = ctx.signer(layer);
  const client = ctx.client(layer);
  let request: unknown;
  try {
    ({ request } = await client.simulateContract({
      account: wallet.account,
      address: call.address,
      abi: call.abi as Abi,
      functionName: call.functionName,
      args: call.args,
      ...(call.value !== undefined ? { value: call.value } : {}),
    } as never));
  } catch (error) {
    const reason = describeRevert(error);
    if (reason) throw new TxError(`${label} would revert on ${layer}: ${reason}`, { cause: error });
    throw error;
  }
  const hash: Hex = await wallet.writeContract(request as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new TxError(`${label}: transaction ${hash} reverted on ${layer}`);
  return receipt;
}
