/**
 * What a command returns: text lines for people and a JSON object for scripts (`--json`).
 */
import type { Hex, TransactionReceipt } from "viem";

export interface CommandResult {
  lines: string[];
  data: Record<string, unknown>;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** The parts of a receipt worth printing. */
export function txInfo(receipt: TransactionReceipt): { hash: Hex; blockNumber: bigint; gasUsed: bigint } {
  return { hash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
}

export const txLine = (layer: string, receipt: TransactionReceipt) =>
  `  ${layer} tx ${receipt.transactionHash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`;
