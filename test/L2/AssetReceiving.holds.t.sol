// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {IHoldable} from "../../src/L2/IHoldable.sol";
import {L2Base} from "./L2Base.sol";

/// @notice Holds on the ledger (docs/protocol.md section 6, "Holds"): who may place one and how much,
///         that held units cannot be spent by any path, execute / release / expiry, and that holds
///         log no op while an execution logs an ordinary transfer.
contract AssetReceivingHoldsTest is L2Base {
    uint40 internal expiry;

    function setUp() public override {
        super.setUp();
        _credit(alice, USDC, 1000);
        _credit(alice, ETH, 10);
        expiry = uint40(block.timestamp + 1 days);
    }

    /// @dev `holder` holds `amount` of alice's USDC for bob until `expiry`.
    function _hold(address holder, uint128 amount) internal returns (uint256 holdId) {
        vm.prank(holder);
        holdId = ledger.hold(alice, USDC, bob, amount, expiry);
    }

    function _insufficient(address owner, uint256 id, uint256 spendable, uint256 needed)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IHoldable.InsufficientSpendableBalance.selector, owner, id, spendable, needed
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 PLACE
    //////////////////////////////////////////////////////////////*/

    function test_hold_byOwnerStoresEmitsAndLogsNoOp() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldPlaced(0, alice, alice, bob, USDC, 300, expiry);
        uint256 holdId = _hold(alice, 300);

        assertEq(holdId, 0);
        assertEq(ledger.holdCount(), 1);
        IHoldable.Hold memory h = ledger.getHold(holdId);
        assertEq(h.owner, alice);
        assertEq(h.tokenId, USDC);
        assertEq(h.expiresAt, expiry);
        assertEq(uint8(h.status), uint8(IHoldable.HoldStatus.Active));
        assertEq(h.holder, alice);
        assertEq(h.beneficiary, bob);
        assertEq(h.amount, 300);

        assertEq(ledger.balanceOf(alice, USDC), 1000, "balanceOf stays the full balance");
        assertEq(ledger.heldBalanceOf(alice, USDC), 300);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 700);
        assertEq(ledger.heldBalanceOf(alice, ETH), 0, "other ids untouched");
        assertEq(ledger.spendableBalanceOf(alice, ETH), 10);
        _assertOpLog(); // no op: only the two credits
    }

    function test_hold_byOperatorSpendsNoAllowance() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        uint256 holdId = _hold(carol, 1000);
        assertEq(ledger.getHold(holdId).holder, carol);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 0);
        assertEq(ledger.allowance(alice, carol, USDC), 0);
    }

    function test_hold_bySpenderSpendsAllowance() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 500);
        _hold(carol, 200);
        assertEq(ledger.allowance(alice, carol, USDC), 300);
        _hold(carol, 300);
        assertEq(ledger.allowance(alice, carol, USDC), 0);
        assertEq(ledger.heldBalanceOf(alice, USDC), 500);
    }

    function test_hold_infiniteAllowanceNotDecreased() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, type(uint256).max);
        _hold(carol, 600);
        assertEq(ledger.allowance(alice, carol, USDC), type(uint256).max);
    }

    function test_hold_revertsOverAllowance() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 100);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 100, 101, USDC)
        );
        ledger.hold(alice, USDC, bob, 101, expiry);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
    }

    function test_hold_revertsForStranger() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, stranger, 0, 1, USDC)
        );
        ledger.hold(alice, USDC, stranger, 1, 0);
        // an allowance in another id does not count
        vm.prank(alice);
        ledger.approve(stranger, ETH, 5);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, stranger, 0, 1, USDC)
        );
        ledger.hold(alice, USDC, stranger, 1, 0);
        assertEq(ledger.holdCount(), 0);
    }

    function test_hold_revertsOverBalance() public {
        vm.prank(alice);
        vm.expectRevert(_insufficient(alice, USDC, 1000, 1001));
        ledger.hold(alice, USDC, bob, 1001, expiry);
    }

    function test_hold_revertsOverSpendableWhenAlreadyHeld() public {
        _hold(alice, 700);
        vm.prank(alice);
        ledger.setOperator(carol, true);
        vm.prank(carol);
        vm.expectRevert(_insufficient(alice, USDC, 300, 301));
        ledger.hold(alice, USDC, bob, 301, expiry);
        _hold(carol, 300);
        assertEq(ledger.heldBalanceOf(alice, USDC), 1000);
    }

    function test_hold_revertsOnBadParameters() public {
        vm.warp(1_700_000_000);
        expiry = uint40(block.timestamp + 1 days);
        vm.startPrank(alice);
        vm.expectRevert(IHoldable.ZeroHoldAmount.selector);
        ledger.hold(alice, USDC, bob, 0, expiry);
        vm.expectRevert(IHoldable.ZeroBeneficiary.selector);
        ledger.hold(alice, USDC, address(0), 1, expiry);
        uint40 now_ = uint40(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldExpiryNotInFuture.selector, now_));
        ledger.hold(alice, USDC, bob, 1, now_);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldExpiryNotInFuture.selector, now_ - 1));
        ledger.hold(alice, USDC, bob, 1, now_ - 1);
        vm.stopPrank();
        assertEq(ledger.holdCount(), 0);
    }

    function test_hold_revertsWhenHalted() public {
        _halt();
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.hold(alice, USDC, bob, 1, expiry);
    }

    function test_hold_onWithdrawnBalance() public {
        vm.prank(alice);
        ledger.withdraw(USDC, 600, l1Alice);
        _track(WITHDRAW, USDC, alice, l1Alice, 600);
        vm.prank(alice);
        vm.expectRevert(_insufficient(alice, USDC, 400, 401));
        ledger.hold(alice, USDC, bob, 401, expiry);
        _hold(alice, 400);
        vm.prank(alice);
        vm.expectRevert(_insufficient(alice, USDC, 0, 1));
        ledger.withdraw(USDC, 1, l1Alice);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                          HELD UNITS CANNOT MOVE
    //////////////////////////////////////////////////////////////*/

    function test_transfer_revertsOnHeldUnits() public {
        _hold(alice, 400);
        vm.startPrank(alice);
        vm.expectRevert(_insufficient(alice, USDC, 600, 601));
        ledger.transfer(carol, USDC, 601);
        vm.expectRevert(_insufficient(alice, USDC, 600, 601));
        ledger.transfer(alice, USDC, 601); // a self-transfer is a debit too
        _expectOp(TRANSFER, USDC, alice, carol, 600);
        ledger.transfer(carol, USDC, 600);
        vm.expectRevert(_insufficient(alice, USDC, 0, 1));
        ledger.transfer(carol, USDC, 1);
        vm.stopPrank();
        assertEq(ledger.balanceOf(alice, USDC), 400);
        _assertOpLog();
    }

    function test_transferFrom_revertsOnHeldUnits() public {
        _hold(alice, 400);
        vm.startPrank(alice);
        ledger.approve(carol, USDC, type(uint256).max);
        ledger.setOperator(stranger, true);
        vm.stopPrank();
        vm.prank(carol);
        vm.expectRevert(_insufficient(alice, USDC, 600, 601));
        ledger.transferFrom(alice, carol, USDC, 601);
        vm.prank(stranger);
        vm.expectRevert(_insufficient(alice, USDC, 600, 1000));
        ledger.transferFrom(alice, stranger, USDC, 1000);
        assertEq(ledger.balanceOf(alice, USDC), 1000);
    }

    function test_withdraw_revertsOnHeldUnits() public {
        _hold(alice, 1);
        vm.prank(alice);
        vm.expectRevert(_insufficient(alice, USDC, 999, 1000));
        ledger.withdraw(USDC, 1000, l1Alice);
        vm.prank(alice);
        ledger.withdraw(USDC, 999, l1Alice);
        assertEq(ledger.balanceOf(alice, USDC), 1);
        assertEq(ledger.heldBalanceOf(alice, USDC), 1);
    }

    function test_receive_isNotLimitedByHolds() public {
        _hold(alice, 1000);
        _credit(alice, USDC, 5);
        vm.prank(alice);
        ledger.transfer(bob, USDC, 5);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 0);
    }

    function testFuzz_debit_succeedsExactlyUpToSpendable(uint128 held, uint128 amount, uint8 path) public {
        held = uint128(bound(held, 1, 1000));
        amount = uint128(bound(amount, 1, 1000));
        _hold(alice, held);
        vm.prank(alice);
        ledger.setOperator(carol, true);
        bool fits = amount <= 1000 - held;
        if (!fits) vm.expectRevert(_insufficient(alice, USDC, 1000 - held, amount));
        if (path % 3 == 0) {
            vm.prank(alice);
            ledger.transfer(bob, USDC, amount);
        } else if (path % 3 == 1) {
            vm.prank(carol);
            ledger.transferFrom(alice, bob, USDC, amount);
        } else {
            vm.prank(alice);
            ledger.withdraw(USDC, amount, l1Alice);
        }
        assertGe(ledger.balanceOf(alice, USDC), ledger.heldBalanceOf(alice, USDC));
        assertEq(ledger.balanceOf(alice, USDC), fits ? 1000 - amount : 1000);
    }

    /*//////////////////////////////////////////////////////////////
                                EXECUTE
    //////////////////////////////////////////////////////////////*/

    function test_executeHold_paysBeneficiaryAsOrdinaryTransfer() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        uint256 holdId = _hold(carol, 300);

        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldExecuted(holdId, bob, 300);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Transfer(carol, alice, bob, USDC, 300);
        _expectOp(TRANSFER, USDC, alice, bob, 300);
        vm.prank(carol);
        ledger.executeHold(holdId, 300);

        assertEq(ledger.balanceOf(alice, USDC), 700);
        assertEq(ledger.balanceOf(bob, USDC), 300);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(uint8(ledger.getHold(holdId).status), uint8(IHoldable.HoldStatus.Executed));
        _assertOpLog();

        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotActive.selector, holdId));
        ledger.executeHold(holdId, 1);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotActive.selector, holdId));
        ledger.releaseHold(holdId);
    }

    function test_executeHold_partialReleasesTheRest() public {
        uint256 holdId = _hold(alice, 300);
        _expectOp(TRANSFER, USDC, alice, bob, 120);
        vm.prank(alice);
        ledger.executeHold(holdId, 120);
        assertEq(ledger.balanceOf(bob, USDC), 120);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 880);
        _assertOpLog();
    }

    function test_executeHold_revertsForOthers() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 300);
        uint256 holdId = _hold(carol, 300);
        address[3] memory others = [alice, bob, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(abi.encodeWithSelector(IHoldable.CallerIsNotHolder.selector, holdId, others[i]));
            ledger.executeHold(holdId, 1);
        }
    }

    function test_executeHold_revertsOnBadAmount() public {
        uint256 holdId = _hold(alice, 300);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldAmountExceeded.selector, holdId, 300, 301));
        ledger.executeHold(holdId, 301);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        ledger.executeHold(holdId, 0);
        vm.stopPrank();
        assertEq(uint8(ledger.getHold(holdId).status), uint8(IHoldable.HoldStatus.Active));
        assertEq(ledger.heldBalanceOf(alice, USDC), 300);
    }

    function test_executeHold_revertsOnceExpired() public {
        uint256 holdId = _hold(alice, 300);
        vm.warp(expiry);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldExpired.selector, holdId, expiry));
        ledger.executeHold(holdId, 300);
    }

    function test_executeHold_revertsWhenHalted() public {
        uint256 holdId = _hold(alice, 300);
        _halt();
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.executeHold(holdId, 300);
        assertEq(ledger.heldBalanceOf(alice, USDC), 300);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                                RELEASE
    //////////////////////////////////////////////////////////////*/

    function test_releaseHold_byHolderAnytime() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        uint256 holdId = _hold(carol, 300);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldReleased(holdId, carol);
        vm.prank(carol);
        ledger.releaseHold(holdId);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 1000);
        assertEq(uint8(ledger.getHold(holdId).status), uint8(IHoldable.HoldStatus.Released));
        _assertOpLog();

        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotActive.selector, holdId));
        ledger.releaseHold(holdId);
    }

    function test_releaseHold_othersOnlyOnceExpired() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        uint256 holdId = _hold(carol, 300);
        vm.warp(expiry - 1);
        address[3] memory others = [alice, bob, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotExpired.selector, holdId, expiry));
            ledger.releaseHold(holdId);
        }
        vm.warp(expiry);
        // expired but not released: still held
        assertEq(ledger.heldBalanceOf(alice, USDC), 300);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IHoldable.HoldReleased(holdId, stranger);
        vm.prank(stranger);
        ledger.releaseHold(holdId);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 1000);
    }

    function test_releaseHold_withoutExpiryOnlyHolder() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        vm.prank(carol);
        uint256 holdId = ledger.hold(alice, USDC, bob, 5, 0);
        vm.warp(block.timestamp + 100 * 365 days);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotExpired.selector, holdId, 0));
        ledger.releaseHold(holdId);
        vm.prank(carol);
        ledger.releaseHold(holdId);
    }

    function test_releaseHold_worksAfterHaltAndLogsNoOp() public {
        uint256 holdId = _hold(alice, 300);
        _halt();
        vm.prank(alice);
        ledger.releaseHold(holdId);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        _assertOpLog();
    }

    function test_releaseHold_revertsOnUnknownHold() public {
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotActive.selector, 7));
        ledger.releaseHold(7);
        vm.expectRevert(abi.encodeWithSelector(IHoldable.HoldNotActive.selector, 7));
        ledger.executeHold(7, 1);
    }

    function test_holds_areIndependent() public {
        uint256 first = _hold(alice, 100);
        uint256 second = _hold(alice, 200);
        vm.prank(alice);
        ledger.releaseHold(first);
        assertEq(ledger.heldBalanceOf(alice, USDC), 200);
        vm.prank(alice);
        ledger.executeHold(second, 200);
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
        assertEq(ledger.balanceOf(bob, USDC), 200);
    }

    /*//////////////////////////////////////////////////////////////
                                ERC-165
    //////////////////////////////////////////////////////////////*/

    function test_supportsInterface_holdableAndErc6909() public view {
        assertTrue(ledger.supportsInterface(type(IHoldable).interfaceId));
        assertTrue(ledger.supportsInterface(type(IERC6909).interfaceId));
        assertTrue(ledger.supportsInterface(0x01ffc9a7)); // ERC-165
        assertFalse(ledger.supportsInterface(0xffffffff));
    }
}
