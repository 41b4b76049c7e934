// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";
import {ERC6909Metadata} from "@openzeppelin/contracts/token/ERC6909/extensions/ERC6909Metadata.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {BridgeProtocol} from "../libraries/BridgeProtocol.sol";
import {AttesterSet} from "../universal/AttesterSet.sol";
import {Holdable} from "./Holdable.sol";
import {IAssetReceiving} from "./IAssetReceiving.sol";
import {IHoldable} from "./IHoldable.sol";

/// @title AssetReceiving
/// @notice The L2 ledger of bridged assets (docs/protocol.md sections 2, 6, 11 and 14). An ERC-6909
///         multi-token ledger whose token id is the bridge token id (`0` = ETH). Anyone relays L1 deposits
///         and forced withdrawal requests that M-of-N attesters signed, strictly in request-id order (one
///         counter for both kinds); holders transfer and authorise business
///         contracts through ERC-6909 operators and allowances, and a withdrawal burns the balance
///         for the batch prover to carry to L1. Every credit, transfer and withdrawal is numbered and
///         folded into a keccak op-log head that the extractor recomputes from `OpLogged` events.
/// @dev Rules enforced on every op so that every accepted L2 state is provable by the circuit:
///      amounts are non-zero, balances never exceed `2^128 - 1`, token ids fit `uint32`, transfers to
///      the zero address and withdrawals to the zero L1 address revert, and nothing moves once
///      `haltForExodus` has been called. The contract makes no external calls (ERC-6909 has no
///      receiver hooks), so no state change can be re-entered and no reentrancy guard is needed.
///      Holds (`Holdable`, `IHoldable`) let business contracts reserve an owner's units without
///      taking custody; they are not ops (section 6, "Holds").
contract AssetReceiving is IAssetReceiving, ERC6909Metadata, Holdable, AttesterSet {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The largest balance (and amount) the circuit can prove: `2^128 - 1`.
    uint256 public constant MAX_BALANCE = type(uint128).max;

    /// @notice The largest token id that can hold a balance (token ids are `uint32`).
    uint256 public constant MAX_TOKEN_ID = type(uint32).max;

    /// @dev EIP-712 type hashes of the attested messages (docs/protocol.md section 14.2).
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant _DEPOSIT_ATTESTATION_TYPEHASH = keccak256(
        // The EIP-712 type string is fixed by docs/protocol.md section 14.2 and hashed at compile time.
        // solhint-disable-next-line max-line-length
        "DepositAttestation(uint256 l1ChainId,address l1Storage,uint64 depositId,address recipient,uint32 tokenId,uint128 amount,address depositor,uint64 timestamp)"
    );
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant _WITHDRAWAL_REQUEST_ATTESTATION_TYPEHASH = keccak256(
        // The EIP-712 type string is fixed by docs/protocol.md section 14.2 and hashed at compile time.
        // solhint-disable-next-line max-line-length
        "WithdrawalRequestAttestation(uint256 l1ChainId,address l1Storage,uint64 requestId,address owner,uint32 tokenId,uint64 timestamp)"
    );
    bytes32 private constant _EXODUS_ATTESTATION_TYPEHASH =
    // solhint-disable-next-line gas-small-strings
    keccak256("ExodusAttestation(uint256 l1ChainId,address l1Storage)");

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetReceiving
    uint256 public immutable l1ChainId;

    /// @inheritdoc IAssetReceiving
    address public immutable l1Storage;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    // Layout: `opCount` and `halted` share a slot (with Ownable2Step's pending owner), so a transfer
    // reads one cold slot for both; `nextDepositId` and `metadataRelayer` share the next one.

    /// @inheritdoc IAssetReceiving
    uint64 public opCount;

    /// @inheritdoc IAssetReceiving
    bool public halted;

    /// @inheritdoc IAssetReceiving
    uint64 public nextDepositId;

    /// @inheritdoc IAssetReceiving
    address public metadataRelayer;

    /// @inheritdoc IAssetReceiving
    bytes32 public opHead;

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Only the metadata relayer or the governor.
    modifier onlyMetadataRelayerOrGovernor() {
        if (msg.sender != metadataRelayer && msg.sender != owner()) {
            revert CallerIsNotMetadataRelayerOrGovernor(msg.sender);
        }
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deploys the ledger with its governor and attester set; sets the ETH (id 0) metadata.
    /// @param governor The owner (Ownable2Step): changes the attester set (delayed) and token metadata.
    /// @param l1ChainId_ The chain id of the L1 AssetStorage.
    /// @param l1Storage_ The L1 AssetStorage whose deposits and exodus the attesters attest; not zero.
    /// @param initialAttesters The first attester set, strictly ascending, none zero, 1 to 32.
    /// @param initialThreshold Signatures an attested call needs, 1 to `initialAttesters.length`.
    /// @param governanceDelay_ Seconds before a proposed attester set can apply; at least 1.
    constructor(
        address governor,
        uint256 l1ChainId_,
        address l1Storage_,
        address[] memory initialAttesters,
        uint8 initialThreshold,
        uint64 governanceDelay_
    )
        Ownable(governor)
        EIP712("AssetReceiving", "1")
        AttesterSet(initialAttesters, initialThreshold, governanceDelay_)
    {
        if (l1Storage_ == address(0)) revert L1StorageIsZeroAddress();
        l1ChainId = l1ChainId_;
        l1Storage = l1Storage_;
        _setTokenMetadata(0, "Ether", "ETH", 18);
    }

    /*//////////////////////////////////////////////////////////////
                           ATTESTED ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetReceiving
    function creditDeposit(
        uint64 depositId,
        BridgeProtocol.DepositRecord calldata record,
        bytes calldata signatures
    ) external {
        _takeRequest(depositId, depositDigest(depositId, record), signatures);
        _mint(record.recipient, record.tokenId, record.amount);
        uint64 opIndex =
            _logOp(BridgeProtocol.KIND_CREDIT, record.tokenId, address(0), record.recipient, record.amount);
        emit DepositCredited(depositId, record.recipient, record.tokenId, record.amount, opIndex);
    }

    /// @inheritdoc IAssetReceiving
    /// @dev Takes the spendable balance only, so held units stay and no hold breaks. A zero amount is logged
    ///      (a zero op the batch proves) without a burn: `_update` refuses zero amounts, and that rule stays
    ///      for every other op.
    function forceWithdrawal(
        uint64 requestId,
        BridgeProtocol.WithdrawalRequestRecord calldata record,
        bytes calldata signatures
    ) external {
        _takeRequest(requestId, withdrawalRequestDigest(requestId, record), signatures);
        address owner_ = record.owner;
        uint32 tokenId = record.tokenId;
        // casting to uint128 is safe: every balance is at most MAX_BALANCE (checked in _update)
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 amount = uint128(_spendableBalance(owner_, tokenId));
        if (amount != 0) _burn(owner_, tokenId, amount);
        uint64 opIndex = _logOp(BridgeProtocol.KIND_FORCED_WITHDRAW, tokenId, owner_, owner_, amount);
        emit ForcedWithdrawal(requestId, owner_, tokenId, amount, opIndex);
    }

    /// @inheritdoc IAssetReceiving
    /// @dev The monitor relays L1 `ExodusActivated` here so that L2 stops accepting ops that can no longer
    ///      be proven. Reverts if already halted.
    function haltForExodus(bytes calldata signatures) external {
        if (halted) revert LedgerHalted();
        _checkAttestations(exodusDigest(), signatures);
        halted = true;
        emit Halted();
    }

    /*//////////////////////////////////////////////////////////////
                           GOVERNOR ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetReceiving
    /// @dev The metadata relayer mirrors L1 docking; the governor may correct it.
    function setTokenMetadata(uint32 tokenId, string calldata name_, string calldata symbol_, uint8 decimals_)
        external
        onlyMetadataRelayerOrGovernor
    {
        _setTokenMetadata(tokenId, name_, symbol_, decimals_);
    }

    /// @inheritdoc IAssetReceiving
    function setMetadataRelayer(address newRelayer) external onlyOwner {
        emit MetadataRelayerSet(metadataRelayer, newRelayer);
        metadataRelayer = newRelayer;
    }

    /// @notice Disabled: the ledger always keeps a governor.
    function renounceOwnership() public pure override {
        revert RenounceOwnershipDisabled();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetReceiving
    function depositDigest(uint64 depositId, BridgeProtocol.DepositRecord calldata record)
        public
        view
        returns (bytes32)
    {
        return _requestDigest(
            _DEPOSIT_ATTESTATION_TYPEHASH,
            depositId,
            abi.encode(record.recipient, record.tokenId, record.amount, record.depositor, record.timestamp)
        );
    }

    /// @inheritdoc IAssetReceiving
    function withdrawalRequestDigest(uint64 requestId, BridgeProtocol.WithdrawalRequestRecord calldata record)
        public
        view
        returns (bytes32)
    {
        return _requestDigest(
            _WITHDRAWAL_REQUEST_ATTESTATION_TYPEHASH,
            requestId,
            abi.encode(record.owner, record.tokenId, record.timestamp)
        );
    }

    /// @inheritdoc IAssetReceiving
    function exodusDigest() public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_EXODUS_ATTESTATION_TYPEHASH, l1ChainId, l1Storage)));
    }

    /*//////////////////////////////////////////////////////////////
                             USER ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetReceiving
    function withdraw(uint32 tokenId, uint128 amount, address l1Recipient) external {
        if (l1Recipient == address(0)) revert ZeroL1Recipient();
        _burn(msg.sender, tokenId, amount);
        uint64 opIndex = _logOp(BridgeProtocol.KIND_WITHDRAW, tokenId, msg.sender, l1Recipient, amount);
        emit WithdrawalRequested(opIndex, msg.sender, l1Recipient, tokenId, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 HOLDS
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-165: ERC-6909, its metadata extension, and `IHoldable`.
    /// @param interfaceId The interface id.
    /// @return True when the ledger implements it.
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC6909, ERC6909Metadata)
        returns (bool)
    {
        return interfaceId == type(IHoldable).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Holds are placed only while ops are accepted: after the halt nothing could execute them.
    function _requireHoldsOpen() internal view override {
        if (halted) revert LedgerHalted();
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Every balance change of the ledger passes here (ERC-6909 `transfer`, `transferFrom`,
    ///      and `_mint`/`_burn` from `creditDeposit`/`withdraw`/`forceWithdrawal`). Enforces the provability rules and
    ///      logs transfers (kind 2, `from` = owner even when an operator or spender called).
    ///      Credits, withdrawals and forced withdrawals are logged by their callers, which know the request
    ///      and the L1 recipient; nothing else in this contract mints or burns.
    function _update(address from, address to, uint256 id, uint256 amount)
        internal
        override(ERC6909, Holdable)
    {
        if (halted) revert LedgerHalted();
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_BALANCE) revert AmountTooLarge(amount);
        if (id > MAX_TOKEN_ID) revert TokenIdOutOfRange(id);

        super._update(from, to, id, amount);

        if (to != address(0) && to != from) {
            uint256 newBalance = balanceOf(to, id);
            if (newBalance > MAX_BALANCE) revert BalanceCapExceeded(to, id, newBalance);
        }
        if (from != address(0) && to != address(0)) {
            // casting is safe: id <= MAX_TOKEN_ID and amount <= MAX_BALANCE were checked above
            // forge-lint: disable-next-line(unsafe-typecast)
            _logOp(BridgeProtocol.KIND_TRANSFER, uint32(id), from, to, uint128(amount));
        }
    }

    /// @dev The in-order rule and the attestation of an L1 request (deposit or forced withdrawal): not halted,
    ///      `requestId == nextDepositId`, enough attester signatures of `digest`; then takes the id.
    function _takeRequest(uint64 requestId, bytes32 digest, bytes calldata signatures) private {
        if (halted) revert LedgerHalted();
        uint64 expected = nextDepositId;
        if (requestId != expected) {
            if (requestId < expected) revert DepositAlreadyCredited(requestId, expected);
            revert DepositIdGap(requestId, expected);
        }
        _checkAttestations(digest, signatures);
        nextDepositId = expected + 1;
    }

    /// @dev EIP-712 digest of an L1 request attestation: `typeHash, l1ChainId, l1Storage, requestId` and then
    ///      the record's fields, already ABI-encoded (static fields, so the concatenation is `abi.encode` of
    ///      the whole struct).
    function _requestDigest(bytes32 typeHash, uint64 requestId, bytes memory recordFields)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(bytes.concat(abi.encode(typeHash, l1ChainId, l1Storage, requestId), recordFields))
        );
    }

    /// @dev Appends one op: extends the keccak head (section 6), bumps `opCount`, emits `OpLogged`.
    function _logOp(uint8 kind, uint32 tokenId, address from, address to, uint128 amount)
        private
        returns (uint64 opIndex)
    {
        opIndex = opCount;
        bytes32 head = BridgeProtocol.nextOpHead(opHead, kind, tokenId, from, to, amount);
        opHead = head;
        opCount = opIndex + 1;
        emit OpLogged(opIndex, kind, tokenId, from, to, amount, head);
    }

    /// @dev Stores the metadata of `tokenId` and emits `TokenMetadataSet`.
    function _setTokenMetadata(uint32 tokenId, string memory name_, string memory symbol_, uint8 decimals_)
        private
    {
        _setName(tokenId, name_);
        _setSymbol(tokenId, symbol_);
        _setDecimals(tokenId, decimals_);
        emit TokenMetadataSet(tokenId, name_, symbol_, decimals_);
    }
}
