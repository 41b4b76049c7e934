// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {L2Base} from "./L2Base.sol";

/// @notice Gas of the hot ledger calls, written to snapshots/AssetReceiving.json. Each measured call
///         is the first ledger call of its test, so its storage accesses are cold as in a real
///         transaction; setUp leaves a non-empty op log and non-zero balances behind.
contract AssetReceivingGasTest is L2Base {
    string internal constant GROUP = "AssetReceiving";

    function setUp() public override {
        super.setUp();
        _credit(alice, USDC, 1000);
        _credit(bob, USDC, 1000);
        vm.startPrank(alice);
        ledger.approve(carol, USDC, 500);
        ledger.approve(stranger, USDC, type(uint256).max);
        ledger.setOperator(address(escrow), true);
        vm.stopPrank();
    }

    function test_gas_creditDeposit_newBalance() public {
        vm.prank(relayer);
        _creditAt(2, carol, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "creditDeposit_newBalance");
        assertEq(ledger.balanceOf(carol, USDC), 100);
    }

    function test_gas_creditDeposit_existingBalance() public {
        vm.prank(relayer);
        _creditAt(2, alice, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "creditDeposit_existingBalance");
        assertEq(ledger.balanceOf(alice, USDC), 1100);
    }

    function test_gas_forceWithdrawal_balance() public {
        BridgeProtocol.WithdrawalRequestRecord memory rec =
            BridgeProtocol.WithdrawalRequestRecord(alice, USDC, 1);
        bytes memory sigs = _attest(ledger.withdrawalRequestDigest(2, rec));
        vm.cool(address(ledger));
        vm.prank(relayer);
        ledger.forceWithdrawal(2, rec, sigs);
        vm.snapshotGasLastCall(GROUP, "forceWithdrawal_balance");
        assertEq(ledger.balanceOf(alice, USDC), 0);
    }

    function test_gas_forceWithdrawal_zero() public {
        BridgeProtocol.WithdrawalRequestRecord memory rec =
            BridgeProtocol.WithdrawalRequestRecord(carol, USDC, 1);
        bytes memory sigs = _attest(ledger.withdrawalRequestDigest(2, rec));
        vm.cool(address(ledger));
        vm.prank(relayer);
        ledger.forceWithdrawal(2, rec, sigs);
        vm.snapshotGasLastCall(GROUP, "forceWithdrawal_zero");
        assertEq(ledger.nextDepositId(), 3);
    }

    function test_gas_transfer_newBalance() public {
        vm.prank(alice);
        ledger.transfer(carol, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transfer_newBalance");
        assertEq(ledger.balanceOf(carol, USDC), 100);
    }

    function test_gas_transfer_existingBalance() public {
        vm.prank(alice);
        ledger.transfer(bob, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transfer_existingBalance");
        assertEq(ledger.balanceOf(bob, USDC), 1100);
    }

    function test_gas_transferFrom_allowance() public {
        vm.prank(carol);
        ledger.transferFrom(alice, bob, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transferFrom_allowance");
        assertEq(ledger.allowance(alice, carol, USDC), 400);
    }

    function test_gas_transferFrom_infiniteAllowance() public {
        vm.prank(stranger);
        ledger.transferFrom(alice, bob, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transferFrom_infiniteAllowance");
        assertEq(ledger.balanceOf(bob, USDC), 1100);
    }

    function test_gas_transferFrom_operator() public {
        vm.prank(address(escrow));
        ledger.transferFrom(alice, bob, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transferFrom_operator");
        assertEq(ledger.balanceOf(bob, USDC), 1100);
    }

    function test_gas_withdraw_partial() public {
        vm.prank(alice);
        ledger.withdraw(USDC, 100, l1Alice);
        vm.snapshotGasLastCall(GROUP, "withdraw_partial");
        assertEq(ledger.balanceOf(alice, USDC), 900);
    }

    function test_gas_hold_byOperator() public {
        vm.prank(address(escrow));
        ledger.hold(alice, USDC, bob, 100, uint40(block.timestamp + 1 days));
        vm.snapshotGasLastCall(GROUP, "hold_byOperator");
        assertEq(ledger.heldBalanceOf(alice, USDC), 100);
    }

    function test_gas_hold_bySpender() public {
        vm.prank(carol);
        ledger.hold(alice, USDC, bob, 100, uint40(block.timestamp + 1 days));
        vm.snapshotGasLastCall(GROUP, "hold_bySpender");
        assertEq(ledger.allowance(alice, carol, USDC), 400);
    }

    function test_gas_executeHold_existingBalance() public {
        vm.prank(address(escrow));
        uint256 holdId = ledger.hold(alice, USDC, bob, 100, uint40(block.timestamp + 1 days));
        vm.cool(address(ledger));
        vm.prank(address(escrow));
        ledger.executeHold(holdId, 100);
        vm.snapshotGasLastCall(GROUP, "executeHold_existingBalance");
        assertEq(ledger.balanceOf(bob, USDC), 1100);
    }

    function test_gas_releaseHold() public {
        vm.prank(address(escrow));
        uint256 holdId = ledger.hold(alice, USDC, bob, 100, uint40(block.timestamp + 1 days));
        vm.cool(address(ledger));
        vm.prank(address(escrow));
        ledger.releaseHold(holdId);
        vm.snapshotGasLastCall(GROUP, "releaseHold");
        assertEq(ledger.heldBalanceOf(alice, USDC), 0);
    }

    function test_gas_transfer_withHeldBalance() public {
        vm.prank(address(escrow));
        ledger.hold(alice, USDC, bob, 100, 0);
        vm.cool(address(ledger));
        vm.prank(alice);
        ledger.transfer(bob, USDC, 100);
        vm.snapshotGasLastCall(GROUP, "transfer_withHeldBalance");
        assertEq(ledger.spendableBalanceOf(alice, USDC), 800);
    }

    function test_gas_withdraw_full() public {
        vm.prank(alice);
        ledger.withdraw(USDC, 1000, l1Alice);
        vm.snapshotGasLastCall(GROUP, "withdraw_full");
        assertEq(ledger.balanceOf(alice, USDC), 0);
    }
}
