// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IHoldable} from "../IHoldable.sol";

/// @title Escrow
/// @notice Example business contract on L2: a buyer commits bridged assets to a seller; the buyer
///         releases them to the seller before the deadline, or they stay the buyer's (the seller
///         refunds at any time, the buyer reclaims from the deadline on).
/// @dev An open deal is a hold on the buyer's ledger balance (`IHoldable`), never custody: the
///      units stay in the buyer's balance and leaf, so at exodus they exit to the buyer on L1, and
///      the escrow's own balance is always zero. The buyer must first authorise the escrow on the
///      ledger: `approve(escrow, tokenId, amount)` (placing the hold spends the allowance) or
///      `setOperator(escrow, true)`. The hold expires at the deadline: from then on the ledger lets
///      anyone release it, so the buyer gets the units back even without this contract. Release
///      executes the hold (a transfer buyer -> seller in the op log). Each deal is settled at most
///      once and its status is written before the ledger call (checks-effects-interactions, plus a
///      guard). See docs/business-contracts.md.
contract Escrow is ReentrancyGuardTransient {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Life cycle of a deal: `None` (never opened), `Open`, then `Released` or `Refunded`.
    enum Status {
        None,
        Open,
        Released,
        Refunded
    }

    /// @notice One escrowed payment.
    /// @param buyer Who locked the assets and gets them back on refund.
    /// @param tokenId The bridge token id.
    /// @param deadline From this timestamp on the buyer may reclaim an unreleased deal.
    /// @param status Where the deal is in its life cycle.
    /// @param seller Who receives the assets on release.
    /// @param amount The held amount.
    /// @param holdId The ledger hold on the buyer's balance that backs the deal.
    struct Deal {
        address buyer;
        uint32 tokenId;
        uint40 deadline;
        Status status;
        address seller;
        uint128 amount;
        uint256 holdId;
    }

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The ledger of bridged assets (`AssetReceiving`), through its holds.
    IHoldable public immutable ledger;

    /// @notice Number of deals opened; the next deal id.
    uint256 public dealCount;

    /// @dev Deals by id.
    mapping(uint256 dealId => Deal) private _deals;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `buyer`'s `amount` of `tokenId` is held for `seller` in deal `dealId`.
    event DealOpened(
        uint256 indexed dealId,
        address indexed buyer,
        address indexed seller,
        uint32 tokenId,
        uint128 amount,
        uint40 deadline
    );

    /// @notice Deal `dealId` was paid to its seller.
    event DealReleased(uint256 indexed dealId);

    /// @notice Deal `dealId` was returned to its buyer.
    event DealRefunded(uint256 indexed dealId);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The ledger address is zero.
    error ZeroLedger();

    /// @notice The seller is zero, the buyer, or the escrow itself.
    error InvalidSeller(address seller);

    /// @notice A deal must lock a non-zero amount.
    error ZeroAmount();

    /// @notice The deadline must lie in the future.
    error DeadlineNotInFuture(uint40 deadline);

    /// @notice Deal `dealId` is not open (never opened, or already settled).
    error DealNotOpen(uint256 dealId);

    /// @notice Only the buyer of the deal may release it.
    error CallerIsNotBuyer(address caller);

    /// @notice The caller is not the seller, and not the buyer after the deadline.
    error RefundNotAllowed(address caller);

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Binds the escrow to one ledger.
    /// @param ledger_ The L2 `AssetReceiving` contract.
    constructor(IHoldable ledger_) {
        if (address(ledger_) == address(0)) revert ZeroLedger();
        ledger = ledger_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Holds `amount` of `tokenId` of the caller (the buyer) for `seller` until `deadline`.
    /// @dev The caller must have authorised the escrow on the ledger (allowance or operator), and
    ///      `amount` must fit in the caller's spendable balance.
    /// @param seller Who gets the assets on release.
    /// @param tokenId The bridge token id.
    /// @param amount The amount to hold; non-zero.
    /// @param deadline Expiry of the hold: the last moment to release is just before it, and from it
    ///        on the buyer may reclaim; must be in the future.
    /// @return dealId The id of the new deal.
    function open(address seller, uint32 tokenId, uint128 amount, uint40 deadline)
        external
        nonReentrant
        returns (uint256 dealId)
    {
        if (seller == address(0) || seller == msg.sender || seller == address(this)) {
            revert InvalidSeller(seller);
        }
        if (amount == 0) revert ZeroAmount();
        // a deadline only needs minute precision; validators' timestamp leeway is irrelevant here
        // solhint-disable gas-strict-inequalities
        // forge-lint: disable-next-line(block-timestamp)
        if (deadline <= block.timestamp) revert DeadlineNotInFuture(deadline);
        // solhint-enable gas-strict-inequalities

        dealId = dealCount;
        dealCount = dealId + 1;
        _deals[dealId] = Deal({
            buyer: msg.sender,
            tokenId: tokenId,
            deadline: deadline,
            status: Status.Open,
            seller: seller,
            amount: amount,
            holdId: 0
        });
        emit DealOpened(dealId, msg.sender, seller, tokenId, amount, deadline);

        _deals[dealId].holdId = ledger.hold(msg.sender, tokenId, seller, amount, deadline);
    }

    /// @notice Pays an open deal to its seller by executing its hold; only its buyer, before the
    ///         deadline (the ledger refuses to execute an expired hold: `HoldExpired`).
    /// @param dealId The deal.
    function release(uint256 dealId) external nonReentrant {
        Deal storage deal = _openDeal(dealId);
        if (msg.sender != deal.buyer) revert CallerIsNotBuyer(msg.sender);
        deal.status = Status.Released;
        emit DealReleased(dealId);
        ledger.executeHold(deal.holdId, deal.amount);
    }

    /// @notice Returns an open deal to its buyer by releasing its hold: the seller at any time, the
    ///         buyer once the deadline has passed.
    /// @dev From the deadline on anyone may release the hold on the ledger directly; the deal then
    ///      only needs its status closed here, which this call does without a ledger call.
    /// @param dealId The deal.
    function refund(uint256 dealId) external nonReentrant {
        Deal storage deal = _openDeal(dealId);
        // forge-lint: disable-next-line(block-timestamp)
        if (msg.sender != deal.seller && (msg.sender != deal.buyer || block.timestamp < deal.deadline)) {
            revert RefundNotAllowed(msg.sender);
        }
        deal.status = Status.Refunded;
        emit DealRefunded(dealId);
        uint256 holdId = deal.holdId;
        if (ledger.getHold(holdId).status == IHoldable.HoldStatus.Active) ledger.releaseHold(holdId);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The stored deal `dealId` (all zero if never opened).
    /// @param dealId The deal.
    /// @return The deal.
    function getDeal(uint256 dealId) external view returns (Deal memory) {
        return _deals[dealId];
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The deal, which must be open.
    function _openDeal(uint256 dealId) private view returns (Deal storage deal) {
        deal = _deals[dealId];
        if (deal.status != Status.Open) revert DealNotOpen(dealId);
    }
}
