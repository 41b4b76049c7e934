/**
 * ABI fragments the CLI needs beyond offchain/lib/abi.ts: AssetStorage views that protocol section 11
 * does not list (slotExited, depositCancelled, depositCap, tokenPaused), ERC-20 allowance, and the
 * custom errors of both contracts so that a revert reads as its name and arguments.
 */
import { parseAbi } from "viem";
import { assetReceivingAbi, assetStorageAbi, erc20Abi } from "../lib/abi.js";

const storageErrors = parseAbi([
  "error AmountTooLarge(uint256 amount)",
  "error DepositAboveCap(uint32 tokenId, uint256 amount, uint128 cap)",
  "error DepositAlreadyCancelled(uint64 depositId)",
  "error DepositAlreadyProcessed(uint64 depositId)",
  "error DepositNotQueued(uint64 depositId)",
  "error DepositRecordMismatch(uint64 depositId)",
  "error EthTransferFailed(address account, uint256 amount)",
  "error ExodusActive()",
  "error ExodusNotActive()",
  "error FieldElementOutOfRange(uint256 value)",
  "error InvalidMerkleProof()",
  "error NoPendingDeposit()",
  "error NothingToClaim(address account, uint32 tokenId)",
  "error PriorityDeadlineNotReached(uint64 depositId, uint256 openAt)",
  "error ReentrancyGuardReentrantCall()",
  "error SafeERC20FailedOperation(address token)",
  "error SiblingsLengthMismatch(uint256 expected, uint256 actual)",
  "error SlotAlreadyExited(uint256 slot)",
  "error SlotOutOfRange(uint256 slot)",
  "error TokenDepositsPaused(uint32 tokenId)",
  "error TokenNotDocked(address token)",
  "error UnknownToken(uint32 tokenId)",
  "error ZeroAmount()",
  "error ZeroL2Recipient()",
]);

export const storageAbi = [
  ...assetStorageAbi,
  ...parseAbi([
    "function slotExited(uint256 slot) view returns (bool)",
    "function depositCancelled(uint64 depositId) view returns (bool)",
    "function depositCap(uint32 tokenId) view returns (uint128)",
    "function tokenPaused(uint32 tokenId) view returns (bool)",
  ]),
  ...storageErrors,
] as const;

export const receivingAbi = [
  ...assetReceivingAbi,
  ...parseAbi([
    "error AmountTooLarge(uint256 amount)",
    "error BalanceCapExceeded(address account, uint256 id, uint256 balance)",
    "error ERC6909InsufficientAllowance(address spender, uint256 allowance, uint256 needed, uint256 id)",
    "error ERC6909InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 id)",
    "error ERC6909InvalidApprover(address approver)",
    "error ERC6909InvalidReceiver(address receiver)",
    "error ERC6909InvalidSender(address sender)",
    "error ERC6909InvalidSpender(address spender)",
    "error LedgerHalted()",
    "error TokenIdOutOfRange(uint256 id)",
    "error ZeroAmount()",
    "error ZeroL1Recipient()",
  ]),
] as const;

export const tokenAbi = [
  ...erc20Abi,
  ...parseAbi([
    "function allowance(address owner, address spender) view returns (uint256)",
    "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
    "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  ]),
] as const;

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
  ERC6909InsufficientAllowance: "the owner's allowance for you is too small (or you are not their operator)",
  ERC20InsufficientBalance: "your L1 token balance is too small",
  BalanceCapExceeded: "the receiver's balance would exceed 2^128 - 1",
};
