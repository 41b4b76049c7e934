// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {IHoldable} from "./IHoldable.sol";

/// @title Holdable
/// @notice Holds on an ERC-6909 ledger (docs/protocol.md section 6, "Holds"; `IHoldable`): an
///         authorised account reserves part of an owner's balance for a beneficiary; the units stay
///         the owner's but cannot be spent until the hold is executed or released.
/// @dev Every debit passes through `_update`, which this contract overrides to refuse spending held
///      units, so `heldBalanceOf(owner, id) <= balanceOf(owner, id)` always holds. The inheriting
///      ledger says through `_requireHoldsOpen` when holds may no longer be placed (after a halt).
///      No external calls are made.
abstract contract Holdable is ERC6909, IHoldable {
    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHoldable
    uint256 public holdCount;

    /// @dev Holds by id.
    mapping(uint256 holdId => Hold) private _holds;

    /// @dev Sum of the active holds of an owner, per token id.
    mapping(address owner => mapping(uint256 id => uint256)) private _held;

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHoldable
    function hold(address owner, uint32 tokenId, address beneficiary, uint128 amount, uint40 expiresAt)
        external
        returns (uint256 holdId)
    {
        _requireHoldsOpen();
        if (amount == 0) revert ZeroHoldAmount();
        if (beneficiary == address(0)) revert ZeroBeneficiary();
        if (_expired(expiresAt)) revert HoldExpiryNotInFuture(expiresAt);
        if (msg.sender != owner && !isOperator(owner, msg.sender)) {
            _spendAllowance(owner, msg.sender, tokenId, amount);
        }
        uint256 held = _held[owner][tokenId];
        uint256 spendable = balanceOf(owner, tokenId) - held;
        if (amount > spendable) revert InsufficientSpendableBalance(owner, tokenId, spendable, amount);

        _held[owner][tokenId] = held + amount;
        holdId = holdCount;
        holdCount = holdId + 1;
        _holds[holdId] = Hold({
            owner: owner,
            tokenId: tokenId,
            expiresAt: expiresAt,
            status: HoldStatus.Active,
            holder: msg.sender,
            beneficiary: beneficiary,
            amount: amount
        });
        emit HoldPlaced(holdId, owner, msg.sender, beneficiary, tokenId, amount, expiresAt);
    }

    /// @inheritdoc IHoldable
    function executeHold(uint256 holdId, uint128 amount) external {
        Hold storage h = _activeHold(holdId);
        if (msg.sender != h.holder) revert CallerIsNotHolder(holdId, msg.sender);
        if (_expired(h.expiresAt)) revert HoldExpired(holdId, h.expiresAt);
        if (amount > h.amount) revert HoldAmountExceeded(holdId, h.amount, amount);
        (address owner, address beneficiary, uint32 tokenId) = (h.owner, h.beneficiary, h.tokenId);
        _close(h, HoldStatus.Executed);
        emit HoldExecuted(holdId, beneficiary, amount);
        // the ordinary transfer path: zero amount, halt and balance cap are checked there
        _transfer(owner, beneficiary, tokenId, amount);
    }

    /// @inheritdoc IHoldable
    function releaseHold(uint256 holdId) external {
        Hold storage h = _activeHold(holdId);
        if (msg.sender != h.holder && !_expired(h.expiresAt)) revert HoldNotExpired(holdId, h.expiresAt);
        _close(h, HoldStatus.Released);
        emit HoldReleased(holdId, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHoldable
    function heldBalanceOf(address owner, uint256 id) external view returns (uint256) {
        return _held[owner][id];
    }

    /// @inheritdoc IHoldable
    function spendableBalanceOf(address owner, uint256 id) external view returns (uint256) {
        return _spendableBalance(owner, id);
    }

    /// @inheritdoc IHoldable
    function getHold(uint256 holdId) external view returns (Hold memory) {
        return _holds[holdId];
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts when holds may no longer be placed (the ledger is halted).
    function _requireHoldsOpen() internal view virtual;

    /// @dev What `owner` can spend of `id`; the hook for a forced withdrawal that must leave holds intact.
    function _spendableBalance(address owner, uint256 id) internal view returns (uint256) {
        return balanceOf(owner, id) - _held[owner][id];
    }

    /// @dev Refuses any debit of held units (transfer, transferFrom, withdraw, self-transfer), then
    ///      moves the balance. One extra storage read per debit: the held total of `from`.
    function _update(address from, address to, uint256 id, uint256 amount) internal virtual override {
        if (from != address(0)) {
            uint256 held = _held[from][id];
            if (held != 0) {
                uint256 spendable = balanceOf(from, id) - held;
                if (amount > spendable) revert InsufficientSpendableBalance(from, id, spendable, amount);
            }
        }
        super._update(from, to, id, amount);
    }

    /// @dev The hold `holdId`, which must be active.
    function _activeHold(uint256 holdId) private view returns (Hold storage h) {
        h = _holds[holdId];
        if (h.status != HoldStatus.Active) revert HoldNotActive(holdId);
    }

    /// @dev Closes an active hold: its whole amount stops counting as held.
    function _close(Hold storage h, HoldStatus status) private {
        h.status = status;
        _held[h.owner][h.tokenId] -= h.amount;
    }

    /// @dev True once a hold with an expiry has reached it.
    function _expired(uint40 expiresAt) private view returns (bool) {
        // solhint-disable-next-line gas-strict-inequalities
        return expiresAt != 0 && block.timestamp >= expiresAt; // forge-lint: disable-line(block-timestamp)
    }
}
