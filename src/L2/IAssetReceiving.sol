// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The event signatures, indexed topics included, are fixed by docs/protocol.md section 11 (the off-chain
// services decode them), so the gas-indexed-events suggestions do not apply.
// solhint-disable gas-indexed-events

import {BridgeProtocol} from "../libraries/BridgeProtocol.sol";
import {IAttesterSet} from "../universal/IAttesterSet.sol";

/// @title IAssetReceiving
/// @notice The L2 ledger of bridged assets beyond ERC-6909 (docs/protocol.md sections 6, 11 and 14): credits
///         of L1 deposits, forced withdrawals requested on L1 and the exodus halt, all authorised by M-of-N
///         attester signatures (IAttesterSet), withdrawals, the op log and token metadata.
interface IAssetReceiving is IAttesterSet {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice An asset operation was appended to the op log; `head` is the new op-log head.
    event OpLogged(
        uint64 indexed opIndex,
        uint8 indexed kind,
        uint32 indexed tokenId,
        address from,
        address to,
        uint128 amount,
        bytes32 head
    );

    /// @notice L1 deposit `depositId` was credited to `recipient` as op `opIndex`.
    event DepositCredited(
        uint64 indexed depositId,
        address indexed recipient,
        uint32 indexed tokenId,
        uint128 amount,
        uint64 opIndex
    );

    /// @notice `from` burnt `amount` of `tokenId` as op `opIndex`, to be paid on L1 to `l1Recipient`.
    event WithdrawalRequested(
        uint64 indexed opIndex,
        address indexed from,
        address indexed l1Recipient,
        uint32 tokenId,
        uint128 amount
    );

    /// @notice L1 forced withdrawal request `requestId` burnt `owner`'s whole spendable balance of `tokenId`,
    ///         `amount` (possibly zero), as op `opIndex` (kind 4, `from = to = owner`).
    event ForcedWithdrawal(
        uint64 indexed requestId,
        address indexed owner,
        uint32 indexed tokenId,
        uint128 amount,
        uint64 opIndex
    );

    /// @notice The metadata of `tokenId` was set.
    event TokenMetadataSet(uint32 indexed tokenId, string name, string symbol, uint8 decimals);

    /// @notice The ledger was halted for exodus; no op is accepted any more.
    event Halted();

    /// @notice The governor set the account that may set token metadata (zero: the governor alone).
    event MetadataRelayerSet(address indexed previousRelayer, address indexed newRelayer);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The caller is neither the metadata relayer nor the governor.
    error CallerIsNotMetadataRelayerOrGovernor(address caller);

    /// @notice The ledger was halted for exodus.
    error LedgerHalted();

    /// @notice Request `depositId` (a deposit or a forced withdrawal request) was already taken (a replay);
    ///         `expected` is the next id.
    error DepositAlreadyCredited(uint64 depositId, uint64 expected);

    /// @notice `depositId` skips requests that were not taken yet; `expected` is the next id.
    error DepositIdGap(uint64 depositId, uint64 expected);

    /// @notice Amounts of assets moved must be non-zero.
    error ZeroAmount();

    /// @notice An amount above `2^128 - 1` can never be moved.
    error AmountTooLarge(uint256 amount);

    /// @notice `id` is above `uint32` max and cannot hold a balance.
    error TokenIdOutOfRange(uint256 id);

    /// @notice The op would raise the balance of `account` in `id` to `balance`, above `2^128 - 1`.
    error BalanceCapExceeded(address account, uint256 id, uint256 balance);

    /// @notice A withdrawal needs a non-zero L1 recipient.
    error ZeroL1Recipient();

    /// @notice The constructor got a zero L1 storage address.
    error L1StorageIsZeroAddress();

    /// @notice Renouncing the governor role would leave attester set changes and metadata unmanageable.
    error RenounceOwnershipDisabled();

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Credits L1 deposit `depositId` to its recipient and logs it as a kind 1 op; anyone may relay
    ///         it with at least `attesterThreshold` attester signatures of `depositDigest(depositId, record)`.
    /// @dev Deposits are credited exactly once and in order: `depositId` must equal `nextDepositId`.
    ///      Reverts on a zero recipient, a zero amount or a balance above `2^128 - 1`.
    /// @param depositId The L1 deposit id (section 5).
    /// @param record The whole deposit record as L1 emitted it in `DepositQueued`.
    /// @param signatures Packed 65-byte attester signatures, signers ascending (section 14.2).
    function creditDeposit(
        uint64 depositId,
        BridgeProtocol.DepositRecord calldata record,
        bytes calldata signatures
    ) external;

    /// @notice Serves L1 forced withdrawal request `requestId`: burns the owner's whole spendable balance of the
    ///         token (held units stay; zero is valid) and logs a kind 4 op with `from = to = owner`, which a
    ///         batch proves and pays on L1. Anyone may relay it with at least `attesterThreshold` attester
    ///         signatures of `withdrawalRequestDigest(requestId, record)`.
    /// @dev Same in-order rule and errors as `creditDeposit`: `requestId` must equal `nextDepositId`.
    /// @param requestId The L1 request id (section 5).
    /// @param record The whole request record as L1 emitted it in `WithdrawalRequestQueued`.
    /// @param signatures Packed 65-byte attester signatures, signers ascending (section 14.2).
    function forceWithdrawal(
        uint64 requestId,
        BridgeProtocol.WithdrawalRequestRecord calldata record,
        bytes calldata signatures
    ) external;

    /// @notice Halts the ledger for exodus, for good: afterwards no credit, transfer or withdrawal is
    ///         accepted. Anyone may call it with attester signatures of `exodusDigest()`.
    /// @param signatures Packed 65-byte attester signatures, signers ascending (section 14.2).
    function haltForExodus(bytes calldata signatures) external;

    /// @notice Sets the name, symbol and decimals shown for `tokenId` (metadata relayer or governor).
    /// @dev Display only: does not touch balances or the op log.
    /// @param tokenId The bridge token id.
    /// @param name_ The token name.
    /// @param symbol_ The token symbol.
    /// @param decimals_ The token decimals.
    function setTokenMetadata(uint32 tokenId, string calldata name_, string calldata symbol_, uint8 decimals_)
        external;

    /// @notice Sets the account that may set token metadata besides the governor (governor only).
    /// @param newRelayer The new metadata relayer; zero leaves the governor alone.
    function setMetadataRelayer(address newRelayer) external;

    /// @notice Burns `amount` of `tokenId` from the caller to be paid to `l1Recipient` on L1 once a batch
    ///         proves it; logs a kind 3 op (`from` = caller, `to` = `l1Recipient`).
    /// @param tokenId The bridge token id.
    /// @param amount The amount to withdraw; non-zero and at most the caller's balance.
    /// @param l1Recipient The L1 address that may claim the withdrawal; non-zero.
    function withdraw(uint32 tokenId, uint128 amount, address l1Recipient) external;

    /// @notice Index the next op will get; also the number of ops logged so far.
    function opCount() external view returns (uint64);

    /// @notice The keccak op-log head after the last op (`h_0 = 0`, section 6).
    function opHead() external view returns (bytes32);

    /// @notice True once the ledger was halted for exodus; permanent.
    function halted() external view returns (bool);

    /// @notice The L1 request id (deposit or forced withdrawal request) to take next.
    function nextDepositId() external view returns (uint64);

    /// @notice The account that may set token metadata besides the governor (zero: none).
    function metadataRelayer() external view returns (address);

    /// @notice The chain id of the L1 AssetStorage whose deposits and exodus the attesters attest.
    function l1ChainId() external view returns (uint256);

    /// @notice The L1 AssetStorage.
    function l1Storage() external view returns (address);

    /// @notice The EIP-712 digest attesters sign for a deposit (section 14.2).
    /// @param depositId The deposit id.
    /// @param record Its record.
    function depositDigest(uint64 depositId, BridgeProtocol.DepositRecord calldata record)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest attesters sign for a forced withdrawal request (section 14.2).
    /// @param requestId The request id.
    /// @param record Its record.
    function withdrawalRequestDigest(uint64 requestId, BridgeProtocol.WithdrawalRequestRecord calldata record)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest attesters sign to halt the ledger for exodus (section 14.2).
    function exodusDigest() external view returns (bytes32);
}
