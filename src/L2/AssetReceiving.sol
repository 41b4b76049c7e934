// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";
import {ERC6909Metadata} from "@openzeppelin/contracts/token/ERC6909/extensions/ERC6909Metadata.sol";

import {BridgeProtocol} from "../libraries/BridgeProtocol.sol";
import {Holdable} from "./Holdable.sol";
import {IHoldable} from "./IHoldable.sol";

/// @title AssetReceiving
/// @notice The L2 ledger of bridged assets (docs/protocol.md sections 2, 6 and 11). An ERC-6909
///         multi-token ledger whose token id is the bridge token id (`0` = ETH). The relayer credits
///         L1 deposits strictly in deposit-id order, holders transfer and authorise business
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
contract AssetReceiving is ERC6909Metadata, Holdable, Ownable2Step {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The largest balance (and amount) the circuit can prove: `2^128 - 1`.
    uint256 public constant MAX_BALANCE = type(uint128).max;

    /// @notice The largest token id that can hold a balance (token ids are `uint32`).
    uint256 public constant MAX_TOKEN_ID = type(uint32).max;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    // Layout: `opCount` and `halted` share a slot (with Ownable2Step's pending owner), so a transfer
    // reads one cold slot for both; `nextDepositId`, `creditsPaused` and `relayer` share the next one.

    /// @notice Index the next op will get; also the number of ops logged so far.
    uint64 public opCount;

    /// @notice True once `haltForExodus` was called; permanent.
    bool public halted;

    /// @notice The L1 deposit id the relayer must credit next.
    uint64 public nextDepositId;

    /// @notice True while the governor has paused new deposit credits.
    bool public creditsPaused;

    /// @notice The only account allowed to credit deposits.
    address public relayer;

    /// @notice The keccak op-log head after the last op (`h_0 = 0`, section 6).
    bytes32 public opHead;

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

    /// @notice The metadata of `tokenId` was set.
    // solhint-disable-next-line gas-indexed-events
    event TokenMetadataSet(uint32 indexed tokenId, string name, string symbol, uint8 decimals);

    /// @notice The ledger was halted for exodus; no op is accepted any more.
    event Halted();

    /// @notice The relayer changed from `previousRelayer` to `newRelayer`.
    event RelayerSet(address indexed previousRelayer, address indexed newRelayer);

    /// @notice New deposit credits were paused (`true`) or resumed (`false`).
    // solhint-disable-next-line gas-indexed-events
    event CreditsPausedSet(bool paused);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The caller is not the relayer.
    error CallerIsNotRelayer(address caller);

    /// @notice The caller is neither the relayer nor the governor.
    error CallerIsNotRelayerOrGovernor(address caller);

    /// @notice The ledger was halted for exodus.
    error LedgerHalted();

    /// @notice The governor paused new deposit credits.
    error CreditsArePaused();

    /// @notice `depositId` was already credited (a replay); `expected` is the next id to credit.
    error DepositAlreadyCredited(uint64 depositId, uint64 expected);

    /// @notice `depositId` skips deposits that were not credited yet; `expected` is the next id.
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

    /// @notice The relayer cannot be the zero address.
    error ZeroRelayer();

    /// @notice Renouncing the governor role would leave the relayer role unmanageable.
    error RenounceOwnershipDisabled();

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Only the relayer.
    modifier onlyRelayer() {
        if (msg.sender != relayer) revert CallerIsNotRelayer(msg.sender);
        _;
    }

    /// @dev Only the relayer or the governor.
    modifier onlyRelayerOrGovernor() {
        if (msg.sender != relayer && msg.sender != owner()) revert CallerIsNotRelayerOrGovernor(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deploys the ledger with its governor and relayer; sets the ETH (id 0) metadata.
    /// @param governor The owner (Ownable2Step): sets the relayer, pauses credits, may halt.
    /// @param initialRelayer The account allowed to credit deposits.
    constructor(address governor, address initialRelayer) Ownable(governor) {
        if (initialRelayer == address(0)) revert ZeroRelayer();
        relayer = initialRelayer;
        emit RelayerSet(address(0), initialRelayer);
        _setTokenMetadata(0, "Ether", "ETH", 18);
    }

    /*//////////////////////////////////////////////////////////////
                            RELAYER ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Credits L1 deposit `depositId` to `recipient` and logs it as a kind 1 op.
    /// @dev Deposits must be credited exactly once and in order: `depositId` must equal
    ///      `nextDepositId`. Reverts on a zero recipient, a zero amount or a balance above `2^128 - 1`.
    /// @param depositId The L1 deposit id (section 5).
    /// @param recipient The L2 recipient of the deposit record.
    /// @param tokenId The bridge token id.
    /// @param amount The deposited amount.
    function creditDeposit(uint64 depositId, address recipient, uint32 tokenId, uint128 amount)
        external
        onlyRelayer
    {
        if (halted) revert LedgerHalted();
        if (creditsPaused) revert CreditsArePaused();
        uint64 expected = nextDepositId;
        if (depositId != expected) {
            if (depositId < expected) revert DepositAlreadyCredited(depositId, expected);
            revert DepositIdGap(depositId, expected);
        }
        nextDepositId = expected + 1;
        _mint(recipient, tokenId, amount);
        uint64 opIndex = _logOp(BridgeProtocol.KIND_CREDIT, tokenId, address(0), recipient, amount);
        emit DepositCredited(depositId, recipient, tokenId, amount, opIndex);
    }

    /// @notice Sets the name, symbol and decimals shown for `tokenId`.
    /// @dev The relayer mirrors L1 docking; the governor may correct it. Does not touch balances.
    /// @param tokenId The bridge token id.
    /// @param name_ The token name.
    /// @param symbol_ The token symbol.
    /// @param decimals_ The token decimals.
    function setTokenMetadata(uint32 tokenId, string calldata name_, string calldata symbol_, uint8 decimals_)
        external
        onlyRelayerOrGovernor
    {
        _setTokenMetadata(tokenId, name_, symbol_, decimals_);
    }

    /// @notice Halts the ledger for exodus: afterwards no credit, transfer or withdrawal is accepted.
    /// @dev Permanent. The monitor relays L1 `ExodusActivated` here so that L2 stops accepting ops
    ///      that can no longer be proven. Reverts if already halted.
    function haltForExodus() external onlyRelayerOrGovernor {
        if (halted) revert LedgerHalted();
        halted = true;
        emit Halted();
    }

    /*//////////////////////////////////////////////////////////////
                           GOVERNOR ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the relayer.
    /// @param newRelayer The new relayer; must be non-zero.
    function setRelayer(address newRelayer) external onlyOwner {
        if (newRelayer == address(0)) revert ZeroRelayer();
        emit RelayerSet(relayer, newRelayer);
        relayer = newRelayer;
    }

    /// @notice Pauses (`true`) or resumes (`false`) new deposit credits.
    /// @dev Transfers and withdrawals are not affected; only `haltForExodus` stops them.
    /// @param paused The new pause flag.
    function setCreditsPaused(bool paused) external onlyOwner {
        creditsPaused = paused;
        emit CreditsPausedSet(paused);
    }

    /// @notice Disabled: the ledger always keeps a governor.
    function renounceOwnership() public pure override {
        revert RenounceOwnershipDisabled();
    }

    /*//////////////////////////////////////////////////////////////
                             USER ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Burns `amount` of `tokenId` from the caller to be paid to `l1Recipient` on L1 once a
    ///         batch proves it; logs a kind 3 op (`from` = caller, `to` = `l1Recipient`).
    /// @param tokenId The bridge token id.
    /// @param amount The amount to withdraw; non-zero and at most the caller's balance.
    /// @param l1Recipient The L1 address that may claim the withdrawal; non-zero.
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
    ///      and `_mint`/`_burn` from `creditDeposit`/`withdraw`). Enforces the provability rules and
    ///      logs transfers (kind 2, `from` = owner even when an operator or spender called).
    ///      Credits and withdrawals are logged by their callers, which know the deposit and the L1
    ///      recipient; nothing else in this contract mints or burns.
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
