// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {L2Base} from "./L2Base.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";

/// @notice Stateful invariants of the L2 ledger under random credits, transfers, allowance and
///         operator transfers, withdrawals and escrow deals (see test/PROPERTIES.md, L2 section).
contract AssetReceivingInvariantTest is L2Base {
    LedgerHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new LedgerHandler(ledger, escrow, attesterKeys);
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = LedgerHandler.credit.selector;
        selectors[1] = LedgerHandler.transfer.selector;
        selectors[2] = LedgerHandler.approve.selector;
        selectors[3] = LedgerHandler.setOperator.selector;
        selectors[4] = LedgerHandler.transferFrom.selector;
        selectors[5] = LedgerHandler.withdraw.selector;
        selectors[6] = LedgerHandler.escrowOpen.selector;
        selectors[7] = LedgerHandler.escrowSettle.selector;
        selectors[8] = LedgerHandler.replayCredit.selector;
        selectors[9] = LedgerHandler.skipCredit.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @custom:invariant For every token id, the sum of all balances equals what was credited minus
    ///                   what was withdrawn (transfers, allowance, operator and escrow moves conserve).
    function invariant_balanceSumEqualsCreditedMinusWithdrawn() public view {
        address[] memory actors = handler.actors();
        uint32[] memory ids = handler.ids();
        for (uint256 j; j < ids.length; ++j) {
            uint256 sum = ledger.balanceOf(address(escrow), ids[j]);
            for (uint256 i; i < actors.length; ++i) {
                sum += ledger.balanceOf(actors[i], ids[j]);
            }
            assertEq(sum, handler.ghostCredited(ids[j]) - handler.ghostWithdrawn(ids[j]), "balance sum");
        }
    }

    /// @custom:invariant The stored op-log head and count equal the chain rebuilt from the emitted
    ///                   `OpLogged` events alone, and every event carries its index and the head after it.
    function invariant_opHeadMatchesChainRebuiltFromEvents() public view {
        assertEq(ledger.opHead(), handler.ghostHead(), "opHead");
        assertEq(ledger.opCount(), handler.ghostOps(), "opCount");
        assertFalse(handler.ghostEventMismatch(), "event index or head");
    }

    /// @custom:invariant The deposit ids credited are exactly 0..n-1 in order, n = `nextDepositId`;
    ///                   no replayed or skipped id is ever accepted.
    function invariant_depositIdsCreditedAreExactlyZeroToN() public view {
        uint256 n = handler.depositIdCount();
        assertEq(ledger.nextDepositId(), n, "nextDepositId");
        for (uint256 i; i < n; ++i) {
            assertEq(handler.ghostDepositIds(i), i, "deposit id order");
        }
        assertFalse(handler.ghostBadDepositAccepted(), "replayed or skipped deposit accepted");
    }

    /// @custom:invariant No balance ever exceeds 2^128 - 1.
    function invariant_balancesWithinCap() public view {
        address[] memory actors = handler.actors();
        uint32[] memory ids = handler.ids();
        for (uint256 j; j < ids.length; ++j) {
            assertLe(ledger.balanceOf(address(escrow), ids[j]), MAX);
            for (uint256 i; i < actors.length; ++i) {
                assertLe(ledger.balanceOf(actors[i], ids[j]), MAX);
            }
        }
    }

    /// @custom:invariant Allowance transfers spend exactly the amount moved (never an infinite
    ///                   allowance, never anything for an operator or the owner).
    function invariant_allowanceSpentExactly() public view {
        assertFalse(handler.ghostAllowanceMismatch(), "allowance");
    }

    /// @custom:invariant The escrow's ledger balance of each token id equals the sum of its open deals.
    function invariant_escrowHoldsExactlyOpenDeals() public view {
        uint32[] memory ids = handler.ids();
        for (uint256 j; j < ids.length; ++j) {
            assertEq(ledger.balanceOf(address(escrow), ids[j]), handler.ghostEscrowLocked(ids[j]), "escrow");
        }
    }

    /// @custom:invariant A settled escrow deal is never released or refunded again.
    function invariant_escrowDealsSettleOnce() public view {
        assertFalse(handler.ghostDealSettledTwice(), "deal settled twice");
    }
}
