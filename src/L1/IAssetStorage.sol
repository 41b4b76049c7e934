// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The event signatures, indexed topics included, are fixed by docs/protocol.md section 11 (the off-chain
// services decode them), so the gas-indexed-events suggestions do not apply.
// solhint-disable gas-indexed-events

import {BridgeProtocol} from "../libraries/BridgeProtocol.sol";
import {IAttesterSet} from "../universal/IAttesterSet.sol";

/// @title IAssetStorage
/// @notice The L1 side of the bridge: holds ETH and docked ERC-20s, queues deposits and forced withdrawal
///         requests, verifies batch proofs and their posted op data, pays withdrawals by pull payment and
///         runs exodus (docs/protocol.md sections 2, 5, 8, 9, 10, 11 and 14). Batches are authorised by M-of-N
///         attester signatures (IAttesterSet), not by a role: anyone may submit a proven, attested batch.
interface IAssetStorage is IAttesterSet {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice One op slot of a batch as L1 sees it (docs/protocol.md section 8).
    /// @dev kind 1 (deposit): the full deposit record, `account` is the L2 recipient.
    ///      kind 3 (withdrawal): `account` is the L1 recipient; `depositor` and `timestamp` are zero.
    ///      kind 4 (forced withdrawal): `account`, `tokenId` and `timestamp` are the queued request's record,
    ///      `depositor` is zero, `amount` is what L2 burnt (the owner's spendable balance, possibly zero).
    ///      kind 0 (unused record): every field is zero. A batch carries exactly `publicSlots` records: one per
    ///      L1-visible op (credit, withdrawal, forced withdrawal) in log order, then zero records; transfers
    ///      have none.
    struct BatchSlot {
        uint8 kind;
        uint32 tokenId;
        address account;
        uint128 amount;
        address depositor;
        uint64 timestamp;
    }

    /// @notice The constructor's parameters (docs/protocol.md sections 11 and 14).
    /// @param verifier The Groth16 verifier for `4 + 2 * publicSlots` public inputs; must hold code.
    /// @param treeDepth The state tree depth (bits of a slot index), even, 2..32; the genesis root is
    ///        computed from it.
    /// @param batchSize The number of op slots in a batch, at least 1.
    /// @param priorityDeadline Seconds a deposit may wait before exodus may start; not zero.
    /// @param l2ChainId The chain id of the L2 ledger whose ops the attesters attest.
    /// @param l2Ledger The L2 ledger (AssetReceiving); not zero.
    /// @param publicSlots The number of L1-visible ops a batch may carry (K), 1 to `batchSize`.
    /// @param attesters The first attester set, strictly ascending, none zero, 1 to 32.
    /// @param attesterThreshold Signatures a batch needs, 1 to `attesters.length`.
    /// @param governanceDelay Seconds before a proposed attester set can apply; at least `priorityDeadline`.
    struct DeployParams {
        address verifier;
        uint8 treeDepth;
        uint16 batchSize;
        uint64 priorityDeadline;
        uint256 l2ChainId;
        address l2Ledger;
        uint16 publicSlots;
        address[] attesters;
        uint8 attesterThreshold;
        uint64 governanceDelay;
    }

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The constructor got a zero L2 ledger.
    error L2LedgerIsZeroAddress();

    /// @notice The governance delay is shorter than the priority deadline: users must be able to leave
    ///         before a new attester set takes over.
    error GovernanceDelayTooShort(uint64 delay, uint64 priorityDeadline);

    /// @notice The attested L2 op count does not grow past the stored one.
    error L2OpCountNotIncreasing(uint64 l2OpCount, uint64 stored);

    /// @notice The verifier address holds no code.
    error VerifierHasNoCode(address verifier);

    /// @notice The tree depth is outside 1..32.
    error InvalidTreeDepth(uint8 depth);

    /// @notice The tree depth is odd: the 4-ary state tree has `depth / 2` levels (docs/protocol.md section 4).
    error TreeDepthNotEven(uint8 depth);

    /// @notice The batch size is zero.
    error InvalidBatchSize(uint16 batchSize);

    /// @notice The number of public slots is zero or above the batch size.
    error InvalidPublicSlots(uint16 publicSlots, uint16 batchSize);

    /// @notice The priority deadline is zero.
    error InvalidPriorityDeadline();

    /// @notice A value that must be a BN254 scalar field element is `>= r`.
    error FieldElementOutOfRange(uint256 value);

    /// @notice The call is refused because exodus is active.
    error ExodusActive();

    /// @notice The call needs exodus, which is not active.
    error ExodusNotActive();

    /// @notice The governor cannot renounce: docking and attester set changes need an owner.
    error RenounceOwnershipDisabled();

    /// @notice The token to dock is the zero address.
    error TokenIsZeroAddress();

    /// @notice The token to dock holds no code.
    error TokenHasNoCode(address token);

    /// @notice The token is docked already.
    error TokenAlreadyDocked(address token, uint32 tokenId);

    /// @notice The ERC-20 is not docked, so it cannot be deposited.
    error TokenNotDocked(address token);

    /// @notice No token has this id.
    error UnknownToken(uint32 tokenId);

    /// @notice New deposits of this token are paused.
    error TokenDepositsPaused(uint32 tokenId);

    /// @notice A deposit amount is zero.
    error ZeroAmount();

    /// @notice A deposit amount does not fit 128 bits.
    error AmountTooLarge(uint256 amount);

    /// @notice A deposit amount is above the token's cap.
    error DepositAboveCap(uint32 tokenId, uint256 amount, uint128 cap);

    /// @notice A deposit names the zero address as L2 recipient.
    error ZeroL2Recipient();

    /// @notice The batch does not have exactly `publicSlots` slot records.
    error SlotCountMismatch(uint256 expected, uint256 actual);

    /// @notice A non-zero slot record follows a zero one: L1-visible ops fill the first records, in log order.
    error SlotAfterEmptySlot(uint256 slotIndex);

    /// @notice A deposit or forced withdrawal slot, or a cancel, refers to a request that was never queued.
    error DepositNotQueued(uint64 depositId);

    /// @notice The record given for a queued request (a deposit, or a forced withdrawal slot) does not hash
    ///         to its stored hash.
    error DepositRecordMismatch(uint64 depositId);

    /// @notice A deposit would push the token's supply (deposits queued minus withdrawals proven) above
    ///         `2^128 - 1`, which L2 could not credit (docs/protocol.md section 2).
    error TokenSupplyExceeded(uint32 tokenId, uint256 supply, uint256 amount);

    /// @notice The posted op data is not `61` bytes for each op between the stored and the attested op count.
    error OpDataLengthMismatch(uint256 expected, uint256 actual);

    /// @notice The keccak op head of the posted op data, from the stored head, is not the attested head.
    error OpDataHeadMismatch(bytes32 computed, bytes32 attested);

    /// @notice A withdrawal slot names the zero address as L1 recipient.
    error ZeroWithdrawalRecipient(uint256 slotIndex);

    /// @notice A withdrawal slot has a zero amount.
    error ZeroWithdrawalAmount(uint256 slotIndex);

    /// @notice A slot has a non-zero field that its kind requires to be zero.
    error NonZeroSlotField(uint256 slotIndex);

    /// @notice A slot has a kind other than 0, 1, 3 or 4.
    error UnknownSlotKind(uint256 slotIndex, uint8 kind);

    /// @notice The verifier rejected the proof (false, revert or malformed answer).
    error InvalidProof();

    /// @notice The account has no pending withdrawal in this token.
    error NothingToClaim(address account, uint32 tokenId);

    /// @notice Sending ETH to the account failed.
    error EthTransferFailed(address account, uint256 amount);

    /// @notice Exodus needs an unprocessed request (deposit or forced withdrawal) and there is none.
    error NoPendingDeposit();

    /// @notice The oldest unprocessed request is not yet past the priority deadline.
    error PriorityDeadlineNotReached(uint64 depositId, uint256 openAt);

    /// @notice The slot index is not below `2^treeDepth`.
    error SlotOutOfRange(uint256 slot);

    /// @notice The Merkle path does not have `3 * treeDepth / 2` siblings (3 per 4-ary level).
    error SiblingsLengthMismatch(uint256 expected, uint256 actual);

    /// @notice The slot has exited already.
    error SlotAlreadyExited(uint256 slot);

    /// @notice The leaf and path do not give the last proven state root.
    error InvalidMerkleProof();

    /// @notice The deposit was consumed by a proven batch, so it cannot be cancelled.
    error DepositAlreadyProcessed(uint64 depositId);

    /// @notice The deposit was cancelled already.
    error DepositAlreadyCancelled(uint64 depositId);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice An ERC-20 was docked under a new token id.
    event TokenDocked(uint32 indexed tokenId, address indexed token);

    /// @notice The per-deposit cap of a token was set (0 = no cap).
    event DepositCapSet(uint32 indexed tokenId, uint128 cap);

    /// @notice New deposits of a token were paused or resumed.
    event TokenPauseSet(uint32 indexed tokenId, bool paused);

    /// @notice A deposit was queued; this is its whole record (docs/protocol.md section 5).
    event DepositQueued(
        uint64 indexed depositId,
        address indexed recipient,
        uint32 indexed tokenId,
        uint128 amount,
        address depositor,
        uint64 timestamp
    );

    /// @notice `owner` asked for a forced withdrawal of its whole spendable L2 balance of `tokenId`; this is
    ///         the request's whole record (docs/protocol.md section 5).
    event WithdrawalRequestQueued(
        uint64 indexed requestId, address indexed owner, uint32 indexed tokenId, uint64 timestamp
    );

    /// @notice Batch `batchNumber` (0 for the first) was proven.
    event BatchVerified(
        uint64 indexed batchNumber, uint256 newRoot, uint256 newOpChain, uint64 processedDeposits
    );

    /// @notice The compact data of the ops batch `batchNumber` proved, L2 ops `firstOpIndex` onwards: 61 bytes
    ///         each, `kind ‖ tokenId ‖ from ‖ to ‖ amount` (docs/protocol.md section 8, "Op data on L1").
    event BatchOps(uint64 indexed batchNumber, uint64 firstOpIndex, bytes ops);

    /// @notice A proven withdrawal or forced withdrawal slot credited `recipient`'s pending withdrawals.
    event WithdrawalQueued(
        uint64 indexed batchNumber, address indexed recipient, uint32 indexed tokenId, uint128 amount
    );

    /// @notice A pending withdrawal was paid out.
    event Claimed(address indexed account, uint32 indexed tokenId, uint256 amount);

    /// @notice Exodus started; `timestamp` is the queue time of the oldest unprocessed request.
    event ExodusActivated(uint64 oldestDepositId, uint64 timestamp);

    /// @notice A slot of the last proven state exited to its owner's pending withdrawals.
    event Exited(uint256 indexed slot, address indexed owner, uint32 indexed tokenId, uint128 balance);

    /// @notice An unprocessed deposit was refunded to its depositor's pending withdrawals.
    event DepositCancelled(
        uint64 indexed depositId, address indexed depositor, uint32 indexed tokenId, uint128 amount
    );

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Docks an ERC-20 under the next token id (governor only, not in exodus).
    /// @param token The ERC-20 contract; not zero, holds code, not docked yet.
    /// @return tokenId The new id (1, 2, ... in docking order).
    function dockToken(address token) external returns (uint32 tokenId);

    /// @notice Sets the largest amount one deposit of a token may have (governor only, not in exodus).
    /// @param tokenId A known token id (0 = ETH).
    /// @param cap The cap; 0 removes it.
    function setDepositCap(uint32 tokenId, uint128 cap) external;

    /// @notice Pauses or resumes new deposits of a token (governor only, not in exodus).
    /// @dev Claims, batches and exodus are never paused.
    /// @param tokenId A known token id (0 = ETH).
    /// @param paused True to refuse new deposits.
    function setTokenPaused(uint32 tokenId, bool paused) external;

    /*//////////////////////////////////////////////////////////////
                                DEPOSITS
    //////////////////////////////////////////////////////////////*/

    /// @notice Locks `msg.value` ETH and queues a credit to `l2Recipient` on L2.
    /// @param l2Recipient The L2 account to credit; not zero.
    /// @return depositId The id of the queued deposit.
    function depositETH(address l2Recipient) external payable returns (uint64 depositId);

    /// @notice Pulls `amount` of a docked ERC-20 from the caller and queues a credit of what arrived.
    /// @dev The credited amount is the contract's balance difference (fee-on-transfer tokens credit the
    ///      received amount); it must be non-zero, fit 128 bits and respect the token's cap.
    /// @param token A docked ERC-20.
    /// @param amount The amount to pull; not zero. The caller must have approved it.
    /// @param l2Recipient The L2 account to credit; not zero.
    /// @return depositId The id of the queued deposit.
    function depositERC20(address token, uint128 amount, address l2Recipient)
        external
        returns (uint64 depositId);

    /// @notice Queues a forced withdrawal request: the next batches must include a proven withdrawal of the
    ///         caller's whole spendable L2 balance of `tokenId` (possibly zero) within `priorityDeadline`, or
    ///         anyone may start exodus. Outside exodus only; no pause or cap applies. Moves nothing on L1.
    /// @param tokenId A known token id (below `tokenCount`).
    /// @return requestId The id of the request (the deposit counter: one queue for both kinds).
    function requestWithdrawal(uint32 tokenId) external returns (uint64 requestId);

    /*//////////////////////////////////////////////////////////////
                                BATCHES
    //////////////////////////////////////////////////////////////*/

    /// @notice Verifies an attested batch proof from the current state and applies it (anyone, not in
    ///         exodus): at least `attesterThreshold` attesters must have signed that L2's op chain after
    ///         `l2OpCount` ops is `newOpChain`, with keccak head `l2OpHead` (docs/protocol.md section 14.4).
    /// @param newRoot The state root after the batch; below r.
    /// @param newOpChain The op chain after the batch; below r.
    /// @param l2OpCount The number of L2 ops the state includes after the batch; above `l2OpCount()`.
    /// @param l2OpHead The L2 keccak op head after those ops.
    /// @param slots Exactly `publicSlots` records: the batch's L1-visible ops in log order, then zero records
    ///              (docs/protocol.md section 8).
    /// @param ops The 61-byte records of L2 ops `l2OpCount()` to `l2OpCount - 1`, whose keccak chain from
    ///            `l2OpHead()` must give `l2OpHead`; emitted in `BatchOps`.
    /// @param proof `[pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1]` as printed by snarkjs.
    /// @param signatures Packed 65-byte attester signatures of `batchDigest(batchCount, ...)`, signers ascending.
    function submitBatch(
        uint256 newRoot,
        uint256 newOpChain,
        uint64 l2OpCount,
        bytes32 l2OpHead,
        BatchSlot[] calldata slots,
        bytes calldata ops,
        uint256[8] calldata proof,
        bytes calldata signatures
    ) external;

    /*//////////////////////////////////////////////////////////////
                              WITHDRAWALS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays the caller's whole pending withdrawal in `tokenId`.
    /// @param tokenId The token to claim.
    function claim(uint32 tokenId) external;

    /// @notice Pays `account`'s whole pending withdrawal in `tokenId` to `account`; anyone may call it.
    /// @param account The account to pay.
    /// @param tokenId The token to claim.
    function claimFor(address account, uint32 tokenId) external;

    /*//////////////////////////////////////////////////////////////
                                 EXODUS
    //////////////////////////////////////////////////////////////*/

    /// @notice Starts exodus, for good, once the oldest unprocessed request (deposit or forced withdrawal
    ///         request) is `priorityDeadline` old.
    function activateExodus() external;

    /// @notice Credits the balance of one slot of the last proven state to its owner (exodus only, once
    ///         per slot).
    /// @param slot The leaf index, below `2^treeDepth`.
    /// @param owner The slot's owner (the same address on L1 and L2).
    /// @param tokenId The slot's token.
    /// @param balance The slot's balance in the last proven state.
    /// @param siblings The Merkle path from leaf level up, 3 per 4-ary level (level-major, each level's in
    ///        ascending position order): `3 * treeDepth / 2` field elements.
    function exit(uint256 slot, address owner, uint32 tokenId, uint128 balance, uint256[] calldata siblings)
        external;

    /// @notice Refunds a deposit that no batch consumed to its depositor (exodus only, once per deposit).
    /// @dev A forced withdrawal request never matches (its hash has another preimage): it locked nothing.
    /// @param depositId The deposit, at or after `processedDeposits`.
    /// @param record Its record as emitted in `DepositQueued`.
    function cancelDeposit(uint64 depositId, BridgeProtocol.DepositRecord calldata record) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The last proven state root (the genesis root before the first batch).
    function stateRoot() external view returns (uint256);

    /// @notice The Poseidon op chain after the last proven op.
    function opChain() external view returns (uint256);

    /// @notice The number of proven batches.
    function batchCount() external view returns (uint64);

    /// @notice The number of queued requests, deposits and forced withdrawal requests (the next request id).
    function depositCount() external view returns (uint64);

    /// @notice The number of requests consumed by proven batches (the next request a batch must take).
    function processedDeposits() external view returns (uint64);

    /// @notice The full 256-bit hash of a queued request (`depositHash` or `requestHash`, docs/protocol.md
    ///         section 5); 0 if not queued.
    function requestHashes(uint64 requestId) external view returns (bytes32);

    /// @notice The `block.timestamp` at which a request was queued; 0 if not queued.
    function requestTimestamp(uint64 requestId) external view returns (uint64);

    /// @notice Deposits queued minus withdrawals (regular and forced) proven, of a token; at most `2^128 - 1`.
    function tokenSupply(uint32 tokenId) external view returns (uint128);

    /// @notice What `account` may claim in `tokenId`.
    function pendingWithdrawals(address account, uint32 tokenId) external view returns (uint256);

    /// @notice Whether exodus is active.
    function exodusMode() external view returns (bool);

    /// @notice The number of token ids in use, ETH included (the next docked token gets this id).
    function tokenCount() external view returns (uint32);

    /// @notice The ERC-20 of a token id; zero for ETH (id 0) and unknown ids.
    function tokenAddress(uint32 tokenId) external view returns (address);

    /// @notice The id of a docked ERC-20; 0 (which is also ETH's id) when the token is not docked.
    function tokenIdOf(address token) external view returns (uint32);

    /// @notice The per-deposit cap of a token; 0 = none.
    function depositCap(uint32 tokenId) external view returns (uint128);

    /// @notice Whether new deposits of a token are paused.
    function tokenPaused(uint32 tokenId) external view returns (bool);

    /// @notice Whether a slot has exited.
    function slotExited(uint256 slot) external view returns (bool);

    /// @notice Whether a deposit was cancelled.
    function depositCancelled(uint64 depositId) external view returns (bool);

    /// @notice The depth of the state tree.
    function treeDepth() external view returns (uint8);

    /// @notice The number of op slots in a batch (N).
    function batchSize() external view returns (uint16);

    /// @notice The number of L1-visible ops a batch may carry (K): the slot records of `submitBatch` and the
    ///         `4 + 2K` public inputs.
    function publicSlots() external view returns (uint16);

    /// @notice How long a request may stay unprocessed before anyone can start exodus, in seconds.
    function priorityDeadline() external view returns (uint64);

    /// @notice The batch proof verifier (see IBatchVerifier).
    function verifier() external view returns (address);

    /// @notice The selector of `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4 + 2N])`.
    function verifierSelector() external view returns (bytes4);

    /// @notice The root of the empty state tree of `treeDepth` levels, computed by the constructor.
    function genesisRoot() external view returns (uint256);

    /// @notice The number of L2 ops the last proven state includes (attested).
    function l2OpCount() external view returns (uint64);

    /// @notice The L2 keccak op head after those ops (attested; zero before the first batch).
    function l2OpHead() external view returns (bytes32);

    /// @notice The chain id of the L2 ledger.
    function l2ChainId() external view returns (uint256);

    /// @notice The L2 ledger whose ops the attesters attest.
    function l2Ledger() external view returns (address);

    /// @notice The EIP-712 digest attesters sign for a batch (docs/protocol.md section 14.2).
    /// @param batchNumber The batch's index (`batchCount` when it is submitted).
    /// @param newOpChain The op chain after the batch.
    /// @param l2OpCount_ The number of L2 ops after the batch.
    /// @param l2OpHead_ The L2 keccak op head after the batch.
    function batchDigest(uint64 batchNumber, uint256 newOpChain, uint64 l2OpCount_, bytes32 l2OpHead_)
        external
        view
        returns (bytes32);
}
