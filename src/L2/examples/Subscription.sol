// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Subscription
/// @notice Example business contract on L2: a subscriber pays a merchant a fixed amount of one
///         bridged token per period. Anyone may collect a due period; the subscriber or the merchant
///         may cancel at any time.
/// @dev The second example of docs/business-contracts.md: the contract never holds a balance.
///      Each charge moves the amount straight from the subscriber to the merchant with ERC-6909
///      `transferFrom` (an ordinary kind-2 transfer op, `from` = subscriber), so at exodus every
///      unit is still at its owner's address and nothing can be stranded here. The subscriber
///      authorises the contract with `approve(subscription, tokenId, cap)` (the cap bounds the total
///      ever charged) or `setOperator`. Periods that were not collected stay collectable: charge
///      `k` (from 0) is due from `start + k * period`. A charge only spends the subscriber's
///      spendable balance (held units are refused by the ledger).
contract Subscription is ReentrancyGuardTransient {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice One subscription.
    /// @param subscriber Who pays.
    /// @param tokenId The bridge token id.
    /// @param period Seconds between two charges.
    /// @param nextChargeAt From this timestamp on the next charge is due.
    /// @param active False once cancelled (or never created).
    /// @param merchant Who is paid.
    /// @param amount The amount charged per period.
    struct Plan {
        address subscriber;
        uint32 tokenId;
        uint32 period;
        uint40 nextChargeAt;
        bool active;
        address merchant;
        uint128 amount;
    }

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The ERC-6909 ledger of bridged assets (`AssetReceiving`).
    IERC6909 public immutable ledger;

    /// @notice Number of subscriptions created; the next subscription id.
    uint256 public subscriptionCount;

    /// @dev Subscriptions by id.
    mapping(uint256 subId => Plan) private _plans;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `subscriber` pays `merchant` `amount` of `tokenId` every `period` seconds from `start`.
    event Subscribed(
        uint256 indexed subId,
        address indexed subscriber,
        address indexed merchant,
        uint32 tokenId,
        uint128 amount,
        uint32 period,
        uint40 start
    );

    /// @notice The period due at `dueAt` of subscription `subId` was paid.
    // solhint-disable-next-line gas-indexed-events
    event Charged(uint256 indexed subId, uint40 dueAt, uint128 amount);

    /// @notice Subscription `subId` was cancelled by `by`.
    event Cancelled(uint256 indexed subId, address indexed by);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The ledger address is zero.
    error ZeroLedger();

    /// @notice The merchant is zero, the subscriber, or this contract.
    error InvalidMerchant(address merchant);

    /// @notice The amount per period must be non-zero.
    error ZeroAmount();

    /// @notice The period must be non-zero.
    error ZeroPeriod();

    /// @notice Subscription `subId` is not active (never created, or cancelled).
    error SubscriptionNotActive(uint256 subId);

    /// @notice The next charge of `subId` is due only from `nextChargeAt`.
    error ChargeNotDue(uint256 subId, uint40 nextChargeAt);

    /// @notice Only the subscriber or the merchant may cancel.
    error CallerIsNotParty(address caller);

    /// @notice The ledger reported a failed transfer.
    error LedgerTransferFailed();

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Binds the contract to one ledger.
    /// @param ledger_ The L2 `AssetReceiving` contract.
    constructor(IERC6909 ledger_) {
        if (address(ledger_) == address(0)) revert ZeroLedger();
        ledger = ledger_;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Subscribes the caller: `amount` of `tokenId` to `merchant` every `period` seconds,
    ///         the first charge due now.
    /// @dev Moves nothing; the caller must authorise this contract on the ledger before a charge.
    /// @param merchant Who is paid; not zero, the caller or this contract.
    /// @param tokenId The bridge token id.
    /// @param amount The amount per period; non-zero.
    /// @param period Seconds between charges; non-zero.
    /// @return subId The id of the new subscription.
    function subscribe(address merchant, uint32 tokenId, uint128 amount, uint32 period)
        external
        returns (uint256 subId)
    {
        if (merchant == address(0) || merchant == msg.sender || merchant == address(this)) {
            revert InvalidMerchant(merchant);
        }
        if (amount == 0) revert ZeroAmount();
        if (period == 0) revert ZeroPeriod();
        // casting is safe: uint40 seconds last until the year 36812
        // forge-lint: disable-next-line(unsafe-typecast)
        uint40 start = uint40(block.timestamp);
        subId = subscriptionCount;
        subscriptionCount = subId + 1;
        _plans[subId] = Plan({
            subscriber: msg.sender,
            tokenId: tokenId,
            period: period,
            nextChargeAt: start,
            active: true,
            merchant: merchant,
            amount: amount
        });
        emit Subscribed(subId, msg.sender, merchant, tokenId, amount, period, start);
    }

    /// @notice Pays the next due period of `subId` from the subscriber to the merchant; anyone.
    /// @param subId The subscription.
    function charge(uint256 subId) external nonReentrant {
        Plan storage plan = _activePlan(subId);
        uint40 dueAt = plan.nextChargeAt;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < dueAt) revert ChargeNotDue(subId, dueAt);
        plan.nextChargeAt = dueAt + plan.period;
        emit Charged(subId, dueAt, plan.amount);
        if (!ledger.transferFrom(plan.subscriber, plan.merchant, plan.tokenId, plan.amount)) {
            revert LedgerTransferFailed();
        }
    }

    /// @notice Stops `subId`; the subscriber or the merchant. Nothing is held, so nothing moves.
    /// @param subId The subscription.
    function cancel(uint256 subId) external {
        Plan storage plan = _activePlan(subId);
        if (msg.sender != plan.subscriber && msg.sender != plan.merchant) {
            revert CallerIsNotParty(msg.sender);
        }
        plan.active = false;
        emit Cancelled(subId, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The stored subscription `subId` (all zero if never created).
    /// @param subId The subscription.
    /// @return The subscription.
    function getSubscription(uint256 subId) external view returns (Plan memory) {
        return _plans[subId];
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The subscription, which must be active.
    function _activePlan(uint256 subId) private view returns (Plan storage plan) {
        plan = _plans[subId];
        if (!plan.active) revert SubscriptionNotActive(subId);
    }
}
