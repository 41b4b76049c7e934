// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC6909} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {L2Base} from "./L2Base.sol";

/// @notice ERC-6909 conformance of the ledger (transfers, allowances, operators) and the op log of
///         every transfer, with the protocol's extra rules (no zero amounts, 128-bit cap, uint32 ids).
contract AssetReceivingERC6909Test is L2Base {
    function setUp() public override {
        super.setUp();
        _credit(alice, USDC, 1000);
        _credit(alice, ETH, 50);
    }

    /*//////////////////////////////////////////////////////////////
                                TRANSFER
    //////////////////////////////////////////////////////////////*/

    function test_transfer_movesLogsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Transfer(alice, alice, bob, USDC, 300);
        _expectOp(TRANSFER, USDC, alice, bob, 300);

        vm.prank(alice);
        assertTrue(ledger.transfer(bob, USDC, 300));

        assertEq(ledger.balanceOf(alice, USDC), 700);
        assertEq(ledger.balanceOf(bob, USDC), 300);
        assertEq(ledger.balanceOf(alice, ETH), 50);
        _assertOpLog();
    }

    function test_transfer_selfTransferLogsOpAndKeepsBalance() public {
        _expectOp(TRANSFER, USDC, alice, alice, 400);
        vm.prank(alice);
        ledger.transfer(alice, USDC, 400);
        assertEq(ledger.balanceOf(alice, USDC), 1000);
        _assertOpLog();
    }

    function test_transfer_selfTransferAtCap() public {
        _credit(bob, DAI, MAX128);
        _expectOp(TRANSFER, DAI, bob, bob, MAX128);
        vm.prank(bob);
        ledger.transfer(bob, DAI, MAX);
        assertEq(ledger.balanceOf(bob, DAI), MAX);
        _assertOpLog();
    }

    function test_transfer_revertsOnZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        ledger.transfer(bob, USDC, 0);
        // also from an empty account
        vm.prank(carol);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        ledger.transfer(bob, USDC, 0);
        _assertOpLog();
    }

    function test_transfer_revertsToZeroAddress() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidReceiver.selector, address(0)));
        ledger.transfer(address(0), USDC, 1);
    }

    function test_transfer_revertsOnInsufficientBalance() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 1000, 1001, USDC)
        );
        ledger.transfer(bob, USDC, 1001);
    }

    function test_transfer_revertsAboveBalanceCap() public {
        _credit(bob, USDC, MAX128);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetReceiving.BalanceCapExceeded.selector, bob, USDC, MAX + 1)
        );
        ledger.transfer(bob, USDC, 1);
        assertEq(ledger.balanceOf(alice, USDC), 1000);
        _assertOpLog();
    }

    function test_transfer_revertsOnAmountAboveUint128() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.AmountTooLarge.selector, MAX + 1));
        ledger.transfer(bob, USDC, MAX + 1);
    }

    function test_transfer_revertsOnTokenIdAboveUint32() public {
        uint256 id = uint256(type(uint32).max) + 1;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.TokenIdOutOfRange.selector, id));
        ledger.transfer(bob, id, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.TokenIdOutOfRange.selector, type(uint256).max));
        ledger.transfer(alice, type(uint256).max, 1);
    }

    function testFuzz_transfer_conservesAndLogs(
        address from,
        address to,
        uint32 tokenId,
        uint128 credited,
        uint128 amount
    ) public {
        vm.assume(from != address(0) && to != address(0));
        credited = uint128(bound(credited, 1, MAX - ledger.balanceOf(from, tokenId)));
        _credit(from, tokenId, credited);
        uint256 fromBefore = ledger.balanceOf(from, tokenId);
        uint256 toBefore = ledger.balanceOf(to, tokenId);
        uint256 most = from == to ? fromBefore : _min(fromBefore, MAX - toBefore);
        vm.assume(most > 0);
        amount = uint128(bound(amount, 1, most));

        _expectOp(TRANSFER, tokenId, from, to, amount);
        vm.prank(from);
        ledger.transfer(to, tokenId, amount);

        if (from == to) {
            assertEq(ledger.balanceOf(from, tokenId), fromBefore);
        } else {
            assertEq(ledger.balanceOf(from, tokenId), fromBefore - amount);
            assertEq(ledger.balanceOf(to, tokenId), toBefore + amount);
        }
        _assertOpLog();
    }

    function testFuzz_transfer_revertsAboveBalance(uint128 amount) public {
        amount = uint128(bound(amount, 1001, MAX));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 1000, amount, USDC)
        );
        ledger.transfer(bob, USDC, amount);
    }

    /*//////////////////////////////////////////////////////////////
                          APPROVE AND ALLOWANCE
    //////////////////////////////////////////////////////////////*/

    function test_approve_setsAllowanceAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Approval(alice, carol, USDC, 250);
        vm.prank(alice);
        assertTrue(ledger.approve(carol, USDC, 250));
        assertEq(ledger.allowance(alice, carol, USDC), 250);
        assertEq(ledger.allowance(alice, carol, ETH), 0);
        assertEq(ledger.allowance(carol, alice, USDC), 0);
        // approvals are not ops
        _assertOpLog();
    }

    function test_approve_revertsOnZeroSpender() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidSpender.selector, address(0)));
        ledger.approve(address(0), USDC, 1);
    }

    function test_transferFrom_spendsAllowanceAndLogsOwner() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 250);

        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Transfer(carol, alice, bob, USDC, 100);
        _expectOp(TRANSFER, USDC, alice, bob, 100);
        vm.prank(carol);
        assertTrue(ledger.transferFrom(alice, bob, USDC, 100));

        assertEq(ledger.allowance(alice, carol, USDC), 150);
        assertEq(ledger.balanceOf(alice, USDC), 900);
        assertEq(ledger.balanceOf(bob, USDC), 100);
        assertEq(ledger.balanceOf(carol, USDC), 0);
        _assertOpLog();
    }

    function test_transferFrom_spendsExactAllowanceToZero() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 250);
        vm.prank(carol);
        ledger.transferFrom(alice, carol, USDC, 250);
        assertEq(ledger.allowance(alice, carol, USDC), 0);

        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 0, 1, USDC)
        );
        ledger.transferFrom(alice, carol, USDC, 1);
    }

    function test_transferFrom_infiniteAllowanceNotDecreased() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, type(uint256).max);
        vm.prank(carol);
        ledger.transferFrom(alice, bob, USDC, 999);
        assertEq(ledger.allowance(alice, carol, USDC), type(uint256).max);
        assertEq(ledger.balanceOf(bob, USDC), 999);
    }

    function test_transferFrom_revertsOnInsufficientAllowance() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 99);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 99, 100, USDC)
        );
        ledger.transferFrom(alice, bob, USDC, 100);
        assertEq(ledger.allowance(alice, carol, USDC), 99);
        _assertOpLog();
    }

    function test_transferFrom_allowanceIsPerTokenId() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 1000);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 0, 1, ETH)
        );
        ledger.transferFrom(alice, carol, ETH, 1);
    }

    function test_transferFrom_revokedAllowanceStopsSpender() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 500);
        vm.prank(carol);
        ledger.transferFrom(alice, carol, USDC, 100);

        vm.prank(alice);
        ledger.approve(carol, USDC, 0);

        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 0, 1, USDC)
        );
        ledger.transferFrom(alice, carol, USDC, 1);
    }

    function test_transferFrom_ownerNeedsNoAllowance() public {
        _expectOp(TRANSFER, USDC, alice, bob, 10);
        vm.prank(alice);
        ledger.transferFrom(alice, bob, USDC, 10);
        assertEq(ledger.balanceOf(bob, USDC), 10);
        _assertOpLog();
    }

    function test_transferFrom_revertsOnZeroAmountEvenWithAllowance() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 10);
        vm.prank(carol);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        ledger.transferFrom(alice, bob, USDC, 0);
        assertEq(ledger.allowance(alice, carol, USDC), 10);
    }

    function test_transferFrom_revertsToZeroAddress() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 10);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidReceiver.selector, address(0)));
        ledger.transferFrom(alice, address(0), USDC, 1);
    }

    function test_transferFrom_revertsFromZeroAddress() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, alice, 0, 1, USDC)
        );
        ledger.transferFrom(address(0), alice, USDC, 1);
    }

    function testFuzz_transferFrom_allowanceFlow(address spender, uint256 allowed, uint128 amount) public {
        vm.assume(spender != address(0) && spender != alice);
        amount = uint128(bound(amount, 1, 1000));
        vm.prank(alice);
        ledger.approve(spender, USDC, allowed);

        vm.prank(spender);
        if (allowed < amount) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ERC6909.ERC6909InsufficientAllowance.selector, spender, allowed, amount, USDC
                )
            );
            ledger.transferFrom(alice, bob, USDC, amount);
            assertEq(ledger.allowance(alice, spender, USDC), allowed);
        } else {
            _expectOp(TRANSFER, USDC, alice, bob, amount);
            ledger.transferFrom(alice, bob, USDC, amount);
            uint256 left = allowed == type(uint256).max ? allowed : allowed - amount;
            assertEq(ledger.allowance(alice, spender, USDC), left);
            assertEq(ledger.balanceOf(bob, USDC), amount);
        }
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                               OPERATORS
    //////////////////////////////////////////////////////////////*/

    function test_setOperator_setsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.OperatorSet(alice, carol, true);
        vm.prank(alice);
        assertTrue(ledger.setOperator(carol, true));
        assertTrue(ledger.isOperator(alice, carol));
        assertFalse(ledger.isOperator(carol, alice));

        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.OperatorSet(alice, carol, false);
        vm.prank(alice);
        ledger.setOperator(carol, false);
        assertFalse(ledger.isOperator(alice, carol));
        _assertOpLog();
    }

    function test_setOperator_revertsOnZeroSpender() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidSpender.selector, address(0)));
        ledger.setOperator(address(0), true);
    }

    function test_transferFrom_operatorBypassesAllowance() public {
        vm.prank(alice);
        ledger.approve(carol, USDC, 5);
        vm.prank(alice);
        ledger.setOperator(carol, true);

        _expectOp(TRANSFER, USDC, alice, bob, 600);
        vm.prank(carol);
        ledger.transferFrom(alice, bob, USDC, 600);
        _expectOp(TRANSFER, ETH, alice, carol, 50);
        vm.prank(carol);
        ledger.transferFrom(alice, carol, ETH, 50);

        // the allowance is neither needed nor spent
        assertEq(ledger.allowance(alice, carol, USDC), 5);
        assertEq(ledger.balanceOf(bob, USDC), 600);
        assertEq(ledger.balanceOf(carol, ETH), 50);
        _assertOpLog();
    }

    function test_transferFrom_revokedOperatorStops() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        vm.prank(carol);
        ledger.transferFrom(alice, carol, USDC, 1);
        vm.prank(alice);
        ledger.setOperator(carol, false);

        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientAllowance.selector, carol, 0, 1, USDC)
        );
        ledger.transferFrom(alice, carol, USDC, 1);
    }

    function test_transferFrom_operatorStillBoundByBalanceAndCap() public {
        vm.prank(alice);
        ledger.setOperator(carol, true);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 1000, 1001, USDC)
        );
        ledger.transferFrom(alice, carol, USDC, 1001);

        _credit(bob, USDC, MAX128);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetReceiving.BalanceCapExceeded.selector, bob, USDC, MAX + 1)
        );
        ledger.transferFrom(alice, bob, USDC, 1);
        _assertOpLog();
    }

    function test_approve_andSetOperator_allowedWhenHalted() public {
        vm.prank(relayer);
        _halt();
        vm.prank(alice);
        ledger.approve(carol, USDC, 1);
        vm.prank(alice);
        ledger.setOperator(carol, true);
        assertEq(ledger.allowance(alice, carol, USDC), 1);
        assertTrue(ledger.isOperator(alice, carol));
        // ... but no asset moves
        vm.prank(carol);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.transferFrom(alice, carol, USDC, 1);
    }

    function testFuzz_transferFrom_operatorFlow(
        address owner,
        address operator,
        address to,
        uint32 tokenId,
        uint128 credited,
        uint128 amount
    ) public {
        vm.assume(owner != address(0) && operator != address(0) && to != address(0));
        vm.assume(operator != owner);
        credited = uint128(bound(credited, 1, MAX - ledger.balanceOf(owner, tokenId)));
        _credit(owner, tokenId, credited);
        uint256 ownerBefore = ledger.balanceOf(owner, tokenId);
        uint256 toBefore = ledger.balanceOf(to, tokenId);
        uint256 most = owner == to ? ownerBefore : _min(ownerBefore, MAX - toBefore);
        vm.assume(most > 0);
        amount = uint128(bound(amount, 1, most));

        // not authorised yet
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC6909.ERC6909InsufficientAllowance.selector, operator, 0, amount, tokenId
            )
        );
        ledger.transferFrom(owner, to, tokenId, amount);

        vm.prank(owner);
        ledger.setOperator(operator, true);
        _expectOp(TRANSFER, tokenId, owner, to, amount);
        vm.prank(operator);
        ledger.transferFrom(owner, to, tokenId, amount);

        if (owner != to) {
            assertEq(ledger.balanceOf(owner, tokenId), ownerBefore - amount);
            assertEq(ledger.balanceOf(to, tokenId), toBefore + amount);
        } else {
            assertEq(ledger.balanceOf(owner, tokenId), ownerBefore);
        }
        assertEq(ledger.allowance(owner, operator, tokenId), 0);
        _assertOpLog();
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
