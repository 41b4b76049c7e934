/**
 * The one send path of the services that write to a chain (monitor on L2, sender on L1): simulate
 * the call against `latest` (transient RPC errors retried, a revert never), then encode it and send
 * it with sendTransaction until mined, and say what happened as a typed outcome. The caller decides
 * what an outcome means (mark a row failed, wait, re-read chain state); the log lines stay its own.
 */
import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type EncodeFunctionDataParameters,
  encodeFunctionData,
  type Hex,
  type SimulateContractParameters,
  type TransactionReceipt,
} from "viem";
import { describeError, isRetryableRpcError, rpcRetry } from "./rpc.js";
import { type SendHooks, sendTransaction, type TxSenderOptions } from "./tx.js";

type Writable = "nonpayable" | "payable";

/** A write call of `abi`: the contract, the function and its arguments (typed by the ABI). */
export interface ContractCall<
  abi extends Abi = Abi,
  functionName extends ContractFunctionName<abi, Writable> = ContractFunctionName<abi, Writable>,
> {
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, Writable, functionName>;
}

export interface SimulateAndSendOptions extends TxSenderOptions {
  /** What this is, for logs and errors ("creditDeposit 7"). */
  what: string;
  /** Turns a decoded revert ("reverted with Name(args)") into what it means for the operator. */
  explainRevert?: (reason: string) => string;
  hooks?: SendHooks;
}

interface Mined {
  receipt: TransactionReceipt;
  hash: Hex;
  nonce: number;
  replacements: number;
}

/** What became of the call. `reason` is decoded (and explained when an explainer was given). */
export type SendOutcome =
  /** Mined with status success. */
  | ({ kind: "landed" } & Mined)
  /** The simulation reverted: not sent. */
  | { kind: "wouldRevert"; reason: string; error: unknown }
  /** Mined, but reverted. */
  | ({ kind: "reverted"; reason: string } & Mined)
  /** The nonce was used by a transaction we did not track: re-read chain state before deciding. */
  | { kind: "nonceTaken"; nonce: number };

/** The hash of a mined outcome, else null. */
export const outcomeTx = (o: SendOutcome): Hex | null => (o.kind === "landed" || o.kind === "reverted" ? o.hash : null);

/**
 * Simulates `call`, and when it would not revert, sends it and waits for it (sendTransaction).
 * Transient RPC errors of the simulation are retried and then thrown, as is an abort.
 */
export async function simulateAndSend<const abi extends Abi, functionName extends ContractFunctionName<abi, Writable>>(
  o: SimulateAndSendOptions,
  call: ContractCall<abi, functionName>,
): Promise<SendOutcome> {
  const explain = o.explainRevert ?? ((reason: string) => reason);
  const request = { account: o.wallet.account, ...call, blockTag: "latest" } as unknown as SimulateContractParameters;
  try {
    await rpcRetry(`simulate ${call.functionName}`, () => o.client.simulateContract(request), {
      log: o.log,
      signal: o.signal,
    });
  } catch (error) {
    if (isRetryableRpcError(error) || o.signal.aborted) throw error;
    return { kind: "wouldRevert", reason: explain(describeError(error, call.abi)), error };
  }
  const data = encodeFunctionData(call as unknown as EncodeFunctionDataParameters);
  const sent = await sendTransaction(o, { to: call.address, data, what: o.what, abi: call.abi }, o.hooks);
  if (sent.kind === "nonceTaken") return sent;
  const { receipt, hash, nonce, replacements } = sent;
  if (receipt.status === "success") return { kind: "landed", receipt, hash, nonce, replacements };
  return { kind: "reverted", reason: explain(sent.revertReason ?? "reverted"), receipt, hash, nonce, replacements };
}
