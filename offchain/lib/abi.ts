/**
 * The contract ABIs the off-chain services use, written from docs/protocol.md section 11.
 * `abi.test.ts` checks every item against the forge build artifacts, so drift fails the tests.
 */
import { parseAbi } from "viem";

export const depositRecordTuple =
  "(address recipient, uint32 tokenId, uint128 amount, address depositor, uint64 timestamp)";
export const batchSlotTuple =
  "(uint8 kind, uint32 tokenId, address account, uint128 amount, address depositor, uint64 timestamp)";

export const assetStorageAbi = parseAbi([
  "function dockToken(address token) returns (uint32 tokenId)",
  "function setDepositCap(uint32 tokenId, uint128 cap)",
  "function setTokenPaused(uint32 tokenId, bool paused)",
  "function setSender(address sender)",
  "function depositETH(address l2Recipient) payable returns (uint64 depositId)",
  "function depositERC20(address token, uint128 amount, address l2Recipient) returns (uint64 depositId)",
  "function submitBatch(uint256 newRoot, uint256 newOpChain, (uint8 kind, uint32 tokenId, address account, uint128 amount, address depositor, uint64 timestamp)[] slots, uint256[8] proof)",
  "function claim(uint32 tokenId)",
  "function claimFor(address account, uint32 tokenId)",
  "function activateExodus()",
  "function exit(uint256 slot, address owner, uint32 tokenId, uint128 balance, uint256[] siblings)",
  "function cancelDeposit(uint64 depositId, (address recipient, uint32 tokenId, uint128 amount, address depositor, uint64 timestamp) record)",
  "function stateRoot() view returns (uint256)",
  "function opChain() view returns (uint256)",
  "function batchCount() view returns (uint64)",
  "function depositCount() view returns (uint64)",
  "function processedDeposits() view returns (uint64)",
  "function depositWords(uint64 depositId) view returns (uint256)",
  "function pendingWithdrawals(address account, uint32 tokenId) view returns (uint256)",
  "function exodusMode() view returns (bool)",
  "function tokenCount() view returns (uint32)",
  "function tokenAddress(uint32 tokenId) view returns (address)",
  "function tokenIdOf(address token) view returns (uint32)",
  "function treeDepth() view returns (uint8)",
  "function batchSize() view returns (uint16)",
  "function priorityDeadline() view returns (uint64)",
  "function verifier() view returns (address)",
  "function sender() view returns (address)",
  "event TokenDocked(uint32 indexed tokenId, address indexed token)",
  "event DepositCapSet(uint32 indexed tokenId, uint128 cap)",
  "event TokenPauseSet(uint32 indexed tokenId, bool paused)",
  "event SenderSet(address indexed sender)",
  "event DepositQueued(uint64 indexed depositId, address indexed recipient, uint32 indexed tokenId, uint128 amount, address depositor, uint64 timestamp)",
  "event BatchVerified(uint64 indexed batchNumber, uint256 newRoot, uint256 newOpChain, uint64 processedDeposits)",
  "event WithdrawalQueued(uint64 indexed batchNumber, address indexed recipient, uint32 indexed tokenId, uint128 amount)",
  "event Claimed(address indexed account, uint32 indexed tokenId, uint256 amount)",
  "event ExodusActivated(uint64 oldestDepositId, uint64 timestamp)",
  "event Exited(uint256 indexed slot, address indexed owner, uint32 indexed tokenId, uint128 balance)",
  "event DepositCancelled(uint64 indexed depositId, address indexed depositor, uint32 indexed tokenId, uint128 amount)",
]);

export const assetReceivingAbi = parseAbi([
  "function balanceOf(address owner, uint256 id) view returns (uint256)",
  "function allowance(address owner, address spender, uint256 id) view returns (uint256)",
  "function isOperator(address owner, address spender) view returns (bool)",
  "function transfer(address receiver, uint256 id, uint256 amount) returns (bool)",
  "function transferFrom(address sender, address receiver, uint256 id, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 id, uint256 amount) returns (bool)",
  "function setOperator(address spender, bool approved) returns (bool)",
  "function supportsInterface(bytes4 interfaceId) view returns (bool)",
  "function name(uint256 id) view returns (string)",
  "function symbol(uint256 id) view returns (string)",
  "function decimals(uint256 id) view returns (uint8)",
  "function creditDeposit(uint64 depositId, address recipient, uint32 tokenId, uint128 amount)",
  "function setTokenMetadata(uint32 tokenId, string name, string symbol, uint8 decimals)",
  "function withdraw(uint32 tokenId, uint128 amount, address l1Recipient)",
  "function haltForExodus()",
  "function setRelayer(address relayer)",
  "function setCreditsPaused(bool paused)",
  "function nextDepositId() view returns (uint64)",
  "function opCount() view returns (uint64)",
  "function opHead() view returns (bytes32)",
  "function halted() view returns (bool)",
  "function creditsPaused() view returns (bool)",
  "function relayer() view returns (address)",
  "event OpLogged(uint64 indexed opIndex, uint8 indexed kind, uint32 indexed tokenId, address from, address to, uint128 amount, bytes32 head)",
  "event DepositCredited(uint64 indexed depositId, address indexed recipient, uint32 indexed tokenId, uint128 amount, uint64 opIndex)",
  "event WithdrawalRequested(uint64 indexed opIndex, address indexed from, address indexed l1Recipient, uint32 tokenId, uint128 amount)",
  "event TokenMetadataSet(uint32 indexed tokenId, string name, string symbol, uint8 decimals)",
  "event Halted()",
]);

export const erc20Abi = parseAbi([
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
]);
