// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IHoldable} from "../../src/L2/IHoldable.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";
import {L2Base} from "./L2Base.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";

/// @notice Stateful invariants of the L2 ledger under random credits, transfers, allowance and
///         operator transfers, withdrawals, holds and escrow deals (see test/PROPERTIES.md, L2 section).
contract AssetReceivingInvariantTest is L2Base {
    LedgerHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new LedgerHandler(ledger, escrow, attesterKeys);
        bytes4[] memory selectors = new bytes4[](16);
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
        selectors[10] = LedgerHandler.placeHold.selector;
        selectors[11] = LedgerHandler.executeHold.selector;
        selectors[12] = LedgerHandler.releaseHold.selector;
        selectors[13] = LedgerHandler.warp.selector;
        selectors[14] = LedgerHandler.spendHeld.selector;
        selectors[15] = LedgerHandler.forceWithdrawal.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @custom:invariant For every token id, the sum of all balances equals what was credited minus
    ///                   what was withdrawn, regular and forced (transfers, allowance, operator and escrow
    ///                   moves conserve).
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

    /// @custom:invariant The request ids taken (credits and forced withdrawals, one counter) are exactly
    ///                   0..n-1 in order, n = `nextDepositId`; no replayed or skipped id is ever accepted.
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

    /// @custom:invariant An allowance transfer or a hold placed by a spender spends exactly its amount; an
    ///                   infinite allowance is never decreased, operators and owners spend nothing.
    function invariant_allowanceSpentExactly() public view {
        assertFalse(handler.ghostAllowanceMismatch(), "allowance");
    }

    /// @custom:invariant The escrow never holds a balance (no custody, nothing to strand at exodus);
    ///                   every open deal is an active hold of the escrow on its buyer for exactly the
    ///                   deal, and per token id these holds sum to the open deals.
    function invariant_escrowHoldsNothingAndOpenDealsAreHolds() public view {
        uint32[] memory ids = handler.ids();
        uint256[] memory deals = handler.openDeals();
        uint256[] memory sums = new uint256[](ids.length);
        for (uint256 k; k < deals.length; ++k) {
            Escrow.Deal memory deal = escrow.getDeal(deals[k]);
            IHoldable.Hold memory h = ledger.getHold(deal.holdId);
            assertEq(uint8(h.status), uint8(IHoldable.HoldStatus.Active), "deal hold active");
            assertEq(h.holder, address(escrow), "deal holder");
            assertEq(h.owner, deal.buyer, "deal owner");
            assertEq(h.beneficiary, deal.seller, "deal beneficiary");
            assertEq(h.amount, deal.amount, "deal amount");
            for (uint256 j; j < ids.length; ++j) {
                if (ids[j] == deal.tokenId) sums[j] += deal.amount;
            }
        }
        for (uint256 j; j < ids.length; ++j) {
            assertEq(ledger.balanceOf(address(escrow), ids[j]), 0, "escrow balance");
            assertEq(sums[j], handler.ghostEscrowLocked(ids[j]), "open deals");
        }
    }

    /// @custom:invariant For every owner and token id, the sum of the active holds equals what the
    ///                   handler placed minus what it executed or released, and never exceeds the
    ///                   owner's balance; spendable = balance - held.
    function invariant_heldNeverExceedsBalance() public view {
        address[] memory actors = handler.actors();
        uint32[] memory ids = handler.ids();
        for (uint256 j; j < ids.length; ++j) {
            for (uint256 i; i < actors.length; ++i) {
                uint256 held = ledger.heldBalanceOf(actors[i], ids[j]);
                uint256 balance = ledger.balanceOf(actors[i], ids[j]);
                assertEq(held, handler.ghostHeld(actors[i], ids[j]), "held total");
                assertLe(held, balance, "held above balance");
                assertEq(ledger.spendableBalanceOf(actors[i], ids[j]), balance - held, "spendable");
            }
        }
    }

    /// @custom:invariant No transfer, transferFrom or withdrawal ever spends held units.
    function invariant_heldUnitsNeverSpent() public view {
        assertFalse(handler.ghostHeldUnitsSpent(), "held units spent");
    }

    /// @custom:invariant A forced withdrawal burns exactly the owner's spendable balance: afterwards the
    ///                   balance is the held amount and every hold is intact.
    function invariant_forcedWithdrawalTakesSpendableOnly() public view {
        assertFalse(handler.ghostForcedWithdrawalWrong(), "forced withdrawal took held units or too little");
    }

    /// @custom:invariant A settled escrow deal is never released or refunded again.
    function invariant_escrowDealsSettleOnce() public view {
        assertFalse(handler.ghostDealSettledTwice(), "deal settled twice");
    }
}
