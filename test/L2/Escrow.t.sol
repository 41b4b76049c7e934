// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";
import {L2Base} from "./L2Base.sol";

/// @notice The example business contract and the whole authorisation flow a user goes through:
///         authorise (allowance or operator), the contract moves the assets, the allowance
///         decreases, a revoke stops it; every move is logged with the owner as `from`.
contract EscrowTest is L2Base {
    uint40 internal deadline;

    function setUp() public override {
        super.setUp();
        _credit(alice, USDC, 1000);
        _credit(alice, ETH, 10);
        deadline = uint40(block.timestamp + 1 days);
    }

    /// @dev alice opens a deal for bob, expecting the op the escrow causes.
    function _open(uint32 tokenId, uint128 amount) internal returns (uint256 dealId) {
        _expectOp(TRANSFER, tokenId, alice, address(escrow), amount);
        vm.prank(alice);
        dealId = escrow.open(bob, tokenId, amount, deadline);
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
        new Escrow(IERC6909(address(0)));
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
        assertEq(ledger.balanceOf(alice, USDC), 900);
        assertEq(ledger.balanceOf(address(escrow), USDC), 100);

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

        // already locked deals still settle after the revoke
        _expectOp(TRANSFER, USDC, address(escrow), bob, 100);
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
        assertEq(ledger.balanceOf(address(escrow), USDC), 700);
        assertEq(ledger.balanceOf(address(escrow), ETH), 10);

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
        assertEq(ledger.balanceOf(alice, USDC), 0);
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
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, carol, 0, 100, USDC)
        );
        escrow.open(bob, USDC, 100, deadline);
        assertEq(ledger.balanceOf(alice, USDC), 1000);
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
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 1000, 1001, USDC)
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
        _expectOp(TRANSFER, USDC, address(escrow), bob, 250);
        vm.prank(alice);
        escrow.release(dealId);

        assertEq(ledger.balanceOf(bob, USDC), 250);
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

        vm.expectEmit(true, true, true, true, address(escrow));
        emit Escrow.DealRefunded(dealId);
        _expectOp(TRANSFER, ETH, address(escrow), alice, 4);
        vm.prank(bob);
        escrow.refund(dealId);

        assertEq(ledger.balanceOf(alice, ETH), 10);
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
        _expectOp(TRANSFER, ETH, address(escrow), alice, 4);
        vm.prank(alice);
        escrow.refund(dealId);
        assertEq(ledger.balanceOf(alice, ETH), 10);
        _assertOpLog();
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
        // the other deal's assets stay locked
        assertEq(ledger.balanceOf(address(escrow), USDC), 100);
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

    function test_refund_revertsWhenLedgerHalted() public {
        vm.prank(alice);
        ledger.setOperator(address(escrow), true);
        uint256 dealId = _open(ETH, 4);
        vm.prank(relayer);
        _halt();
        vm.prank(bob);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        escrow.refund(dealId);
        // the revert rolled the status back: the deal is still open
        assertEq(uint8(escrow.getDeal(dealId).status), uint8(Escrow.Status.Open));
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

        address payee = released ? bob : alice;
        _expectOp(TRANSFER, USDC, address(escrow), payee, amount);
        vm.prank(released ? alice : bob);
        if (released) escrow.release(dealId);
        else escrow.refund(dealId);

        assertEq(ledger.balanceOf(address(escrow), USDC), 0);
        assertEq(ledger.balanceOf(alice, USDC) + ledger.balanceOf(bob, USDC), 1000);
        assertEq(ledger.balanceOf(bob, USDC), released ? amount : 0);
        _assertOpLog();
    }
}
