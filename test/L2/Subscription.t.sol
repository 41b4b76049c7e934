// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {IHoldable} from "../../src/L2/IHoldable.sol";
import {Subscription} from "../../src/L2/examples/Subscription.sol";
import {L2Base} from "./L2Base.sol";

/// @notice The second example business contract (docs/business-contracts.md): a fixed amount per
///         period pulled straight from the subscriber to the merchant through an allowance. The
///         contract never holds a balance, and a charge cannot spend units another contract holds.
contract SubscriptionTest is L2Base {
    Subscription internal subs;
    uint32 internal constant PERIOD = 30 days;

    function setUp() public override {
        super.setUp();
        subs = new Subscription(ledger);
        vm.label(address(subs), "subscription");
        _credit(alice, USDC, 1000);
    }

    /// @dev alice subscribes to bob for 100 USDC a period, with an allowance of `cap`.
    function _subscribe(uint256 cap) internal returns (uint256 subId) {
        vm.startPrank(alice);
        ledger.approve(address(subs), USDC, cap);
        subId = subs.subscribe(bob, USDC, 100, PERIOD);
        vm.stopPrank();
    }

    /// @dev Charges `subId` as `keeper`, expecting the transfer op alice -> bob.
    function _charge(address keeper, uint256 subId) internal {
        _expectOp(TRANSFER, USDC, alice, bob, 100);
        vm.prank(keeper);
        subs.charge(subId);
        assertEq(ledger.balanceOf(address(subs), USDC), 0, "never custody");
    }

    function test_constructor_revertsOnZeroLedger() public {
        vm.expectRevert(Subscription.ZeroLedger.selector);
        new Subscription(IERC6909(address(0)));
    }

    function test_subscribe_storesPlanAndMovesNothing() public {
        uint40 start = uint40(block.timestamp);
        vm.prank(alice);
        ledger.approve(address(subs), USDC, 300);
        vm.expectEmit(true, true, true, true, address(subs));
        emit Subscription.Subscribed(0, alice, bob, USDC, 100, PERIOD, start);
        vm.prank(alice);
        uint256 subId = subs.subscribe(bob, USDC, 100, PERIOD);
        Subscription.Plan memory p = subs.getSubscription(subId);
        assertEq(p.subscriber, alice);
        assertEq(p.merchant, bob);
        assertEq(p.tokenId, USDC);
        assertEq(p.amount, 100);
        assertEq(p.period, PERIOD);
        assertEq(p.nextChargeAt, start);
        assertTrue(p.active);
        assertEq(subs.subscriptionCount(), 1);
        assertEq(ledger.balanceOf(alice, USDC), 1000);
        _assertOpLog();
    }

    function test_subscribe_revertsOnBadParameters() public {
        address[3] memory bad = [address(0), alice, address(subs)];
        vm.startPrank(alice);
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Subscription.InvalidMerchant.selector, bad[i]));
            subs.subscribe(bad[i], USDC, 100, PERIOD);
        }
        vm.expectRevert(Subscription.ZeroAmount.selector);
        subs.subscribe(bob, USDC, 0, PERIOD);
        vm.expectRevert(Subscription.ZeroPeriod.selector);
        subs.subscribe(bob, USDC, 100, 0);
        vm.stopPrank();
    }

    function test_charge_oncePerPeriodStraightToMerchant() public {
        uint256 subId = _subscribe(300);
        uint40 start = uint40(block.timestamp);

        vm.expectEmit(true, true, true, true, address(subs));
        emit Subscription.Charged(subId, start, 100);
        _charge(stranger, subId); // anyone may collect a due period
        assertEq(ledger.balanceOf(bob, USDC), 100);
        assertEq(ledger.allowance(alice, address(subs), USDC), 200);

        vm.expectRevert(abi.encodeWithSelector(Subscription.ChargeNotDue.selector, subId, start + PERIOD));
        subs.charge(subId);
        vm.warp(start + PERIOD - 1);
        vm.expectRevert(abi.encodeWithSelector(Subscription.ChargeNotDue.selector, subId, start + PERIOD));
        subs.charge(subId);

        vm.warp(start + PERIOD);
        _charge(bob, subId);
        assertEq(ledger.balanceOf(bob, USDC), 200);
        _assertOpLog();
    }

    function test_charge_catchesUpMissedPeriodsOneByOne() public {
        uint256 subId = _subscribe(1000);
        vm.warp(block.timestamp + 2 * uint256(PERIOD));
        _charge(bob, subId);
        _charge(bob, subId);
        _charge(bob, subId);
        vm.expectRevert();
        subs.charge(subId);
        assertEq(ledger.balanceOf(bob, USDC), 300);
    }

    function test_charge_stopsAtTheAllowanceCap() public {
        uint256 subId = _subscribe(150);
        _charge(bob, subId);
        vm.warp(block.timestamp + PERIOD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC6909.ERC6909InsufficientAllowance.selector, address(subs), 50, 100, USDC
            )
        );
        subs.charge(subId);
    }

    function test_charge_cannotSpendHeldUnits() public {
        uint256 subId = _subscribe(1000);
        // alice commits 950 to an escrow deal: only 50 are spendable
        vm.startPrank(alice);
        ledger.setOperator(address(escrow), true);
        escrow.open(carol, USDC, 950, uint40(block.timestamp + 1 days));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IHoldable.InsufficientSpendableBalance.selector, alice, USDC, 50, 100)
        );
        subs.charge(subId);
        assertEq(ledger.heldBalanceOf(alice, USDC), 950);
    }

    function test_cancel_bySubscriberOrMerchantStopsCharges() public {
        uint256 subId = _subscribe(1000);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(Subscription.CallerIsNotParty.selector, carol));
        subs.cancel(subId);

        vm.expectEmit(true, true, true, true, address(subs));
        emit Subscription.Cancelled(subId, alice);
        vm.prank(alice);
        subs.cancel(subId);
        vm.expectRevert(abi.encodeWithSelector(Subscription.SubscriptionNotActive.selector, subId));
        subs.charge(subId);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Subscription.SubscriptionNotActive.selector, subId));
        subs.cancel(subId);

        uint256 second = _subscribe(1000);
        vm.prank(bob);
        subs.cancel(second);
        assertFalse(subs.getSubscription(second).active);
    }

    function test_charge_revertsWhenLedgerHalted() public {
        uint256 subId = _subscribe(1000);
        _halt();
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        subs.charge(subId);
        assertEq(subs.getSubscription(subId).nextChargeAt, uint40(block.timestamp), "rolled back");
    }

    function testFuzz_charge_neverMoreThanElapsedPeriods(uint32 elapsed, uint8 attempts) public {
        _credit(alice, USDC, 1000); // 2000: more than 15 charges
        uint256 subId = _subscribe(type(uint256).max);
        vm.warp(block.timestamp + elapsed);
        uint256 due = uint256(elapsed) / PERIOD + 1;
        uint256 paid;
        for (uint256 i; i < attempts % 16; ++i) {
            try subs.charge(subId) {
                ++paid;
            } catch {}
        }
        assertEq(paid, attempts % 16 < due ? attempts % 16 : due);
        assertEq(ledger.balanceOf(bob, USDC), paid * 100);
        assertEq(ledger.balanceOf(address(subs), USDC), 0);
    }
}
