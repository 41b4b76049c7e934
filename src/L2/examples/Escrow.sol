// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Escrow
/// @notice Example business contract on L2: a buyer locks bridged assets for a seller; the buyer
///         releases them to the seller, or they go back to the buyer (the seller refunds at any
///         time, the buyer reclaims after the deadline).
/// @dev The escrow moves the buyer's assets with ERC-6909 `transferFrom`, so the buyer must first
///      authorise it on the ledger: `approve(escrow, tokenId, amount)` (spent allowance decreases)
///      or `setOperator(escrow, true)` (every id, no allowance spent). See docs/business-contracts.md.
///      Locked assets sit in the escrow's own ledger balance; each deal is settled at most once and
///      its status is written before the ledger call (checks-effects-interactions, plus a guard).
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
    /// @param amount The locked amount.
    struct Deal {
        address buyer;
        uint32 tokenId;
        uint40 deadline;
        Status status;
        address seller;
        uint128 amount;
    }

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The ERC-6909 ledger of bridged assets (`AssetReceiving`).
    IERC6909 public immutable ledger;

    /// @notice Number of deals opened; the next deal id.
    uint256 public dealCount;

    /// @dev Deals by id.
    mapping(uint256 dealId => Deal) private _deals;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `buyer` locked `amount` of `tokenId` for `seller` in deal `dealId`.
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

    /// @notice The ledger reported a failed transfer.
    error LedgerTransferFailed();

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Binds the escrow to one ledger.
    /// @param ledger_ The L2 `AssetReceiving` contract.
    constructor(IERC6909 ledger_) {
        if (address(ledger_) == address(0)) revert ZeroLedger();
        ledger = ledger_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Locks `amount` of `tokenId` from the caller (the buyer) for `seller`.
    /// @dev The caller must have authorised the escrow on the ledger (allowance or operator).
    /// @param seller Who gets the assets on release.
    /// @param tokenId The bridge token id.
    /// @param amount The amount to lock; non-zero.
    /// @param deadline Timestamp from which the buyer may reclaim; must be in the future.
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
            amount: amount
        });
        emit DealOpened(dealId, msg.sender, seller, tokenId, amount, deadline);

        if (!ledger.transferFrom(msg.sender, address(this), tokenId, amount)) revert LedgerTransferFailed();
    }

    /// @notice Pays an open deal to its seller; only its buyer.
    /// @param dealId The deal.
    function release(uint256 dealId) external nonReentrant {
        Deal storage deal = _openDeal(dealId);
        if (msg.sender != deal.buyer) revert CallerIsNotBuyer(msg.sender);
        deal.status = Status.Released;
        emit DealReleased(dealId);
        _pay(deal.seller, deal.tokenId, deal.amount);
    }

    /// @notice Returns an open deal to its buyer: the seller at any time, the buyer once the
    ///         deadline has passed.
    /// @param dealId The deal.
    function refund(uint256 dealId) external nonReentrant {
        Deal storage deal = _openDeal(dealId);
        // forge-lint: disable-next-line(block-timestamp)
        if (msg.sender != deal.seller && (msg.sender != deal.buyer || block.timestamp < deal.deadline)) {
            revert RefundNotAllowed(msg.sender);
        }
        deal.status = Status.Refunded;
        emit DealRefunded(dealId);
        _pay(deal.buyer, deal.tokenId, deal.amount);
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

    /// @dev Moves the escrow's own ledger balance to `to`.
    function _pay(address to, uint32 tokenId, uint128 amount) private {
        if (!ledger.transfer(to, tokenId, amount)) revert LedgerTransferFailed();
    }
}
