// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {IHoldable} from "../../src/L2/IHoldable.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";
import {L2Base} from "./L2Base.sol";

/// @notice The example business contract and the whole authorisation flow a user goes through:
///         authorise (allowance or operator), the escrow holds the buyer's units (no custody, no
///         op), the allowance decreases, a revoke stops it; a release is one transfer op buyer ->
///         seller, a refund moves nothing.
contract EscrowTest is L2Base {
    uint40 internal deadline;

    function setUp() public override {
        super.setUp();
        _credit(alice, USDC, 1000);
        _credit(alice, ETH, 10);
        deadline = uint40(block.timestamp + 1 days);
    }

    /// @dev alice opens a deal for bob: a hold on her balance, no op, nothing at the escrow.
    function _open(uint32 tokenId, uint128 amount) internal returns (uint256 dealId) {
        uint256 held = ledger.heldBalanceOf(alice, tokenId);
        uint256 balance = ledger.balanceOf(alice, tokenId);
        uint256 holdId = ledger.holdCount();
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldPlaced(holdId, alice, address(escrow), bob, tokenId, amount, deadline);
        vm.prank(alice);
        dealId = escrow.open(bob, tokenId, amount, deadline);
        assertEq(ledger.heldBalanceOf(alice, tokenId), held + amount, "held");
        assertEq(ledger.balanceOf(alice, tokenId), balance, "buyer keeps the units");
        assertEq(ledger.balanceOf(address(escrow), tokenId), 0, "no custody");
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_bindsLedger() public view {
        assertEq(address(escrow.ledger()), address(ledger));
        assertEq(escrow.dealCount(), 0);
    }

    function test_constructor_revertsOnZeroLedger() public {
        vm.expectRevert(Escrow.ZeroLedger.selector);
        new Escrow(IHoldable(address(0)));
    }

    /*//////////////////////////////////////////////////////////////
                          AUTHORISATION FLOWS
    //////////////////////////////////////////////////////////////*/

    function test_open_revertsWithoutAuthorisation() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC6909.ERC6909InsufficientAllowance.selector, address(escrow), 0, 100, USDC
            )
        );
        escrow.open(bob, USDC, 100, deadline);
        assertEq(escrow.dealCount(), 0);
        _assertOpLog();
    }

    function test_allowanceFlow_locksSpendsAllowanceAndRevokeStops() public {
        vm.prank(alice);
        ledger.approve(address(escrow), USDC, 300);

        vm.expectEmit(true, true, true, true, address(escrow));
        emit Escrow.DealOpened(0, alice, bob, USDC, 100, deadline);
        uint256 first = _open(USDC, 100);
        assertEq(first, 0);
        assertEq(ledger.allowance(alice, address(escrow), USDC), 200);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 900);

        uint256 second = _open(USDC, 150);
        assertEq(second, 1);
        assertEq(ledger.allowance(alice, address(escrow), USDC), 50);

        // more than what is left of the allowance
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC6909.ERC6909InsufficientAllowance.selector, address(escrow), 50, 51, USDC
            )
        );
        escrow.open(bob, USDC, 51, deadline);

        // revoke: nothing more can be locked
        vm.prank(alice);
        ledger.approve(address(escrow), USDC, 0);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, address(escrow), 0, 1, USDC)
        );
        escrow.open(bob, USDC, 1, deadline);

        // the allowance covers USDC only
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, address(escrow), 0, 1, ETH)
        );
        escrow.open(bob, ETH, 1, deadline);

        // deals already held still settle after the revoke
        _expectOp(TRANSFER, USDC, alice, bob, 100);
        vm.prank(alice);
        escrow.release(first);
        assertEq(ledger.balanceOf(bob, USDC), 100);
        assertEq(escrow.dealCount(), 2);
        _assertOpLog();
    }

    function test_operatorFlow_locksAnyIdWithoutAllowanceAndRevokeStops() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);

        _open(USDC, 700);
        _open(ETH, 10);
        assertEq(ledger.allowance(alice, address(escrow), USDC), 0);
        assertEq(ledger.heldBalanceOf(alice, USDC), 700);
        assertEq(ledger.heldBalanceOf(alice, ETH), 10);

        vm.prank(alice);
        ledger.setOperator(address(escrow), false);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, address(escrow), 0, 1, USDC)
        );
        escrow.open(bob, USDC, 1, deadline);
        _assertOpLog();
    }

    function test_infiniteAllowanceFlow_notDecreased() public {
        vm.prank(alice);
        ledger.approve(address(escrow), USDC, type(uint256).max);
        _open(USDC, 400);
        _open(USDC, 600);
        assertEq(ledger.allowance(alice, address(escrow), USDC), type(uint256).max);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 0);
        _assertOpLog();
    }

    function test_open_cannotSpendAnotherOwnersAssets() public {
        // both authorised the escrow, but carol cannot make it pull alice's assets: the buyer is the caller
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        vm.prank(carol);
        ledger.setOperator(address(escrow), true);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(IHoldable.InsufficientSpendableBalance.selector, carol, USDC, 0, 100)
        );
        escrow.open(bob, USDC, 100, deadline);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
    }

    /*//////////////////////////////////////////////////////////////
                                  OPEN
    //////////////////////////////////////////////////////////////*/

    function test_open_storesDeal() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(USDC, 250);

        Escrow.Deal memory deal = escrow.getDeal(dealId);
        assertEq(deal.buyer, alice);
        assertEq(deal.seller, bob);
        assertEq(deal.tokenId, USDC);
        assertEq(deal.amount, 250);
        assertEq(deal.deadline, deadline);
        assertEq(uint8(deal.status), uint8(Escrow.Status.Open));

        IHoldable.Hold memory h = ledger.getHold(deal.holdId);
        assertEq(h.owner, alice);
        assertEq(h.holder, address(escrow));
        assertEq(h.beneficiary, bob);
        assertEq(h.amount, 250);
        assertEq(h.expiresAt, deadline);
        assertEq(uint8(h.status), uint8(IHoldable.HoldStatus.Active));
    }

    function test_open_buyerCannotSpendTheDealsUnits() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        _open(USDC, 250);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IHoldable.InsufficientSpendableBalance.selector, alice, USDC, 750, 751)
        );
        ledger.transfer(carol, USDC, 751);
        vm.expectRevert(
            abi.encodeWithSelector(IHoldable.InsufficientSpendableBalance.selector, alice, USDC, 750, 1000)
        );
        ledger.withdraw(USDC, 1000, l1Alice);
        vm.stopPrank();
    }

    function test_open_revertsOnInvalidSeller() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        address[3] memory bad = [address(0), alice, address(escrow)];
        for (uint256 i; i < bad.length; ++i) {
            vm.prank(alice);
            vm.expectRevert(abi.encodeWithSelector(Escrow.InvalidSeller.selector, bad[i]));
            escrow.open(bad[i], USDC, 1, deadline);
        }
    }

    function test_open_revertsOnZeroAmount() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        vm.prank(alice);
        vm.expectRevert(Escrow.ZeroAmount.selector);
        escrow.open(bob, USDC, 0, deadline);
    }

    function test_open_revertsOnDeadlineNotInFuture() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint40 now_ = uint40(block.timestamp);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DeadlineNotInFuture.selector, now_));
        escrow.open(bob, USDC, 1, now_);
    }

    function test_open_revertsOnInsufficientBalance() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IHoldable.InsufficientSpendableBalance.selector, alice, USDC, 1000, 1001)
        );
        escrow.open(bob, USDC, 1001, deadline);
        assertEq(escrow.dealCount(), 0);
    }

    function test_open_revertsWhenLedgerHalted() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        vm.prank(governor);
        _halt();
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        escrow.open(bob, USDC, 1, deadline);
    }

    /*//////////////////////////////////////////////////////////////
                                RELEASE
    //////////////////////////////////////////////////////////////*/

    function test_release_paysSellerOnce() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(USDC, 250);

        vm.expectEmit(true, true, true, true, address(escrow));
        emit Escrow.DealReleased(dealId);
        _expectOp(TRANSFER, USDC, alice, bob, 250);
        vm.prank(alice);
        escrow.release(dealId);

        assertEq(ledger.balanceOf(bob, USDC), 250);
        assertEq(ledger.balanceOf(alice, USDC), 750);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(ledger.balanceOf(address(escrow), USDC), 0);
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Released));

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, dealId));
        escrow.release(dealId);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, dealId));
        escrow.refund(dealId);
        _assertOpLog();
    }

    function test_release_revertsIfNotBuyer() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(USDC, 250);
        address[2] memory others = [bob, carol];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(abi.encodeWithSelector(Escrow.CallerIsNotBuyer.selector, others[i]));
            escrow.release(dealId);
        }
    }

    function test_release_revertsFromDeadline() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(USDC, 250);
        uint256 holdId = escrow.getDeal(dealId).holdId;
        vm.warp(deadline);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldExpired.selector, holdId, deadline));
        escrow.release(dealId);
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Open));
    }

    function test_release_revertsOnUnknownDeal() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, 7));
        escrow.release(7);
    }

    /*//////////////////////////////////////////////////////////////
                                 REFUND
    //////////////////////////////////////////////////////////////*/

    function test_refund_bySellerAnytime() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        uint256 holdId = escrow.getDeal(dealId).holdId;

        vm.expectEmit(true, true, true, true, address(escrow));
        emit Escrow.DealRefunded(dealId);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldReleased(holdId, address(escrow));
        vm.prank(bob);
        escrow.refund(dealId);

        assertEq(ledger.balanceOf(alice, ETH), 10);
        assertEq(ledger.spendableBalanceOf(alice, ETH), 10);
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Refunded));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, dealId));
        escrow.release(dealId);
        _assertOpLog();
    }

    function test_refund_byBuyerOnlyFromDeadline() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);

        vm.warp(deadline - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.RefundNotAllowed.selector, alice));
        escrow.refund(dealId);

        vm.warp(deadline);
        vm.prank(alice);
        escrow.refund(dealId);
        assertEq(ledger.spendableBalanceOf(alice, ETH), 10);
        _assertOpLog();
    }

    function test_refund_afterTheBuyerReleasedTheExpiredHoldOnTheLedger() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        vm.warp(deadline);
        // the buyer does not need the escrow: anyone may release an expired hold
        uint256 holdId = escrow.getDeal(dealId).holdId;
        vm.prank(alice);
        ledger.releaseHold(holdId);
        assertEq(ledger.spendableBalanceOf(alice, ETH), 10);
        vm.prank(alice);
        escrow.refund(dealId);
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Refunded));
    }

    function test_refund_onlyOnce() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        _open(USDC, 100);
        uint256 dealId = _open(USDC, 100);
        vm.prank(bob);
        escrow.refund(dealId);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, dealId));
        escrow.refund(dealId);
        vm.warp(deadline);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Escrow.DealNotOpen.selector, dealId));
        escrow.refund(dealId);
        // the other deal's units stay held
        assertEq(ledger.heldBalanceOf(alice, USDC), 100);
    }

    function test_refund_revertsForStrangerEvenAfterDeadline() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        vm.warp(deadline + 365 days);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(Escrow.RefundNotAllowed.selector, carol));
        escrow.refund(dealId);
    }

    function test_refund_stillWorksWhenLedgerHalted() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        vm.prank(relayer);
        _halt();
        // a release moves nothing, so it stays possible; the units were alice's all along
        vm.prank(bob);
        escrow.refund(dealId);
        assertEq(ledger.heldBalanceOf(alice, ETH), 0);
        _assertOpLog();
    }

    function test_release_revertsWhenLedgerHalted() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        _halt();
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        escrow.release(dealId);
        // the revert rolled the status back: the deal is still open, the units held for the buyer
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Open));
        assertEq(ledger.balanceOf(alice, ETH), 10);
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    function testFuzz_escrow_allowanceLockAndSettle(uint256 allowed, uint128 amount, bool released) public {
        amount = uint128(bound(amount, 1, 1000));
        allowed = bound(allowed, amount, type(uint256).max);
        vm.prank(alice);
        ledger.approve(address(escrow), USDC, allowed);

        uint256 dealId = _open(USDC, amount);
        assertEq(
            ledger.allowance(alice, address(escrow), USDC),
            allowed == type(uint256).max ? allowed : allowed - amount
        );

        if (released) _expectOp(TRANSFER, USDC, alice, bob, amount);
        vm.prank(released ? alice : bob);
        if (released) escrow.release(dealId);
        else escrow.refund(dealId);

        assertEq(ledger.balanceOf(address(escrow), USDC), 0);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(ledger.balanceOf(alice, USDC) + ledger.balanceOf(bob, USDC), 1000);
        assertEq(ledger.balanceOf(bob, USDC), released ? amount : 0);
        _assertOpLog();
    }
}
