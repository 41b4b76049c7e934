// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IHoldable
/// @notice Holds on the L2 ledger (docs/protocol.md section 6, "Holds"): an authorised account
///         reserves part of an owner's balance for a beneficiary. Held units stay in the owner's
///         balance (and in the owner's leaf of the state tree, so exodus pays them to the owner),
///         but the owner cannot spend them while the hold is active. In the spirit of ERC-1996
///         holdable tokens, on top of ERC-6909 (`balanceOf` stays the full balance).
/// @dev A hold is not an op: placing and releasing it log nothing in the op log; executing it is an
///      ordinary kind-2 transfer owner -> beneficiary.
interface IHoldable {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Life cycle of a hold: `None` (no such id), `Active`, then `Executed` or `Released`.
    enum HoldStatus {
        None,
        Active,
        Executed,
        Released
    }

    /// @notice One hold.
    /// @param owner Whose balance is held.
    /// @param tokenId The bridge token id.
    /// @param expiresAt From this timestamp on anyone may release the hold and it can no longer be
    ///        executed; `0` = no expiry.
    /// @param status Where the hold is in its life cycle.
    /// @param holder Who placed the hold: the only account that may execute it, or release it early.
    /// @param beneficiary Who receives the units when the hold is executed.
    /// @param amount The held amount (kept after the hold is closed, for the record).
    struct Hold {
        address owner;
        uint32 tokenId;
        uint40 expiresAt;
        HoldStatus status;
        address holder;
        address beneficiary;
        uint128 amount;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `holder` held `amount` of `tokenId` of `owner` for `beneficiary` as hold `holdId`.
    event HoldPlaced(
        uint256 indexed holdId,
        address indexed owner,
        address indexed holder,
        address beneficiary,
        uint32 tokenId,
        uint128 amount,
        uint40 expiresAt
    );

    /// @notice Hold `holdId` was executed: `amount` went to `beneficiary` (as an ordinary transfer
    ///         op), the rest of the hold was released.
    // solhint-disable-next-line gas-indexed-events
    event HoldExecuted(uint256 indexed holdId, address indexed beneficiary, uint128 amount);

    /// @notice Hold `holdId` was released by `by` (the holder, or anyone once expired).
    event HoldReleased(uint256 indexed holdId, address indexed by);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A hold must be of a non-zero amount.
    error ZeroHoldAmount();

    /// @notice A hold needs a non-zero beneficiary.
    error ZeroBeneficiary();

    /// @notice `expiresAt` must be `0` (no expiry) or in the future.
    error HoldExpiryNotInFuture(uint40 expiresAt);

    /// @notice `owner` has only `spendable` of `id` that is not held; the call needs `needed`.
    error InsufficientSpendableBalance(address owner, uint256 id, uint256 spendable, uint256 needed);

    /// @notice Hold `holdId` is not active (never placed, executed or released).
    error HoldNotActive(uint256 holdId);

    /// @notice Only the holder may execute hold `holdId`.
    error CallerIsNotHolder(uint256 holdId, address caller);

    /// @notice Hold `holdId` expired at `expiresAt` and can no longer be executed (release it).
    error HoldExpired(uint256 holdId, uint40 expiresAt);

    /// @notice Hold `holdId` may be released only by its holder before `expiresAt` (`0`: never expires).
    error HoldNotExpired(uint256 holdId, uint40 expiresAt);

    /// @notice `amount` is more than the `held` amount of hold `holdId`.
    error HoldAmountExceeded(uint256 holdId, uint128 held, uint128 amount);

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Holds `amount` of `tokenId` of `owner` for `beneficiary`; the caller becomes the holder.
    /// @dev The caller must be `owner`, an operator of `owner`, or a spender whose allowance covers
    ///      `amount` (the allowance is spent by `amount`, unless infinite). Reverts after the halt.
    /// @param owner Whose balance to hold; `amount` must fit in its spendable balance.
    /// @param tokenId The bridge token id.
    /// @param beneficiary Who receives the units if the hold is executed; non-zero.
    /// @param amount The amount to hold; non-zero.
    /// @param expiresAt `0` for no expiry, else a future timestamp.
    /// @return holdId The id of the new hold.
    function hold(address owner, uint32 tokenId, address beneficiary, uint128 amount, uint40 expiresAt)
        external
        returns (uint256 holdId);

    /// @notice Closes hold `holdId` and transfers `amount` of it from the owner to the beneficiary
    ///         (an ordinary kind-2 transfer op, `from` = owner); the rest of the hold is released.
    /// @dev Holder only, while active and not expired; reverts after the halt (no op is accepted).
    /// @param holdId The hold.
    /// @param amount The amount to pay: non-zero and at most the held amount.
    function executeHold(uint256 holdId, uint128 amount) external;

    /// @notice Closes hold `holdId` without moving anything: the units become spendable again.
    /// @dev The holder at any time; anyone once the hold has expired. Allowed after the halt.
    /// @param holdId The hold.
    function releaseHold(uint256 holdId) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The sum of the active holds on `owner`'s balance of `id`.
    /// @param owner The owner.
    /// @param id The token id.
    /// @return The held amount.
    function heldBalanceOf(address owner, uint256 id) external view returns (uint256);

    /// @notice What `owner` can spend of `id`: `balanceOf - heldBalanceOf`.
    /// @param owner The owner.
    /// @param id The token id.
    /// @return The spendable amount.
    function spendableBalanceOf(address owner, uint256 id) external view returns (uint256);

    /// @notice The stored hold `holdId` (all zero if never placed).
    /// @param holdId The hold.
    /// @return The hold.
    function getHold(uint256 holdId) external view returns (Hold memory);

    /// @notice The number of holds ever placed; the next hold id.
    /// @return The count.
    function holdCount() external view returns (uint256);
}
