/**
 * The CLI's hints for reverts, by custom error name (the errors themselves are in offchain/lib/abi.ts).
 */
export { assetReceivingAbi as receivingAbi, assetStorageAbi as storageAbi, erc20Abi as tokenAbi } from "../lib/abi.js";

/** What to do about a revert, by custom error name. */
export const REVERT_HINTS: Record<string, string> = {
  ExodusActive: "exodus is active on L1: deposits and batches are closed; use exit, cancel-deposit and claim",
  ExodusNotActive: "exodus is not active on L1: exit and cancel-deposit work only after activateExodus",
  NothingToClaim:
    "nothing is pending for this account and token (withdrawals become claimable once their batch is proven)",
  TokenNotDocked: "this ERC-20 is not docked on AssetStorage: only docked tokens can be deposited",
  TokenDepositsPaused: "the governor paused deposits of this token",
  DepositAboveCap: "the amount is above the token's per-deposit cap; deposit less",
  SlotAlreadyExited: "this slot was already exited: run claim to collect it",
  DepositAlreadyCancelled: "this deposit was already cancelled: run claim (as its depositor) to collect it",
  DepositAlreadyProcessed: "a proven batch consumed this deposit: its amount is part of the L2 balances (use exit)",
  InvalidMerkleProof: "the path does not lead to L1's stateRoot: the node database does not hold the proven state",
  LedgerHalted: "L2 was halted for exodus: no L2 operation is accepted; use exit on L1",
  ERC6909InsufficientBalance: "the L2 balance is too small",
  InsufficientSpendableBalance:
    "part of the L2 balance is held by a business contract (see `balance`): only the spendable amount can move",
  ERC6909InsufficientAllowance: "the owner's allowance for you is too small (or you are not their operator)",
  ERC20InsufficientBalance: "your L1 token balance is too small",
  BalanceCapExceeded: "the receiver's balance would exceed 2^128 - 1",
};
