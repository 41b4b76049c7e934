// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {ReentrantERC20, ReentrantReceiver, RejectingReceiver} from "./mocks/Reentrancy.sol";
import {FalseReturningERC20, FeeOnTransferERC20, MockERC20, NoReturnERC20} from "./mocks/TestTokens.sol";

/// @notice claim and claimFor (docs/protocol.md section 9): pull payments, reentrancy, odd tokens.
contract AssetStorageClaimTest is AssetStorageBase {
    /*//////////////////////////////////////////////////////////////
                                  ETH
    //////////////////////////////////////////////////////////////*/

    function test_claim_paysEthZeroesPendingAndEmits() public {
        _lockAndQueueEth(alice, 3 ether);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.Claimed(alice, ETH, 3 ether);
        vm.prank(alice);
        bridge.claim(ETH);
        assertEq(alice.balance, 3 ether);
        assertEq(address(bridge).balance, 0);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);
    }

    function test_claim_revertsWhenNothingPending() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, alice, ETH));
        bridge.claim(ETH);
    }

    function test_claim_secondClaimReverts() public {
        _lockAndQueueEth(alice, 1 ether);
        vm.prank(alice);
        bridge.claim(ETH);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, alice, ETH));
        bridge.claim(ETH);
        assertEq(alice.balance, 1 ether);
    }

    function test_claim_onlyPaysTheCallersOwnPending() public {
        _lockAndQueueEth(alice, 1 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, bob, ETH));
        bridge.claim(ETH);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 1 ether);
    }

    function test_claim_revertsForUnknownToken() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, alice, uint32(99)));
        bridge.claim(99);
    }

    function testFuzz_claimFor_anyCallerPaysTheAccount(address caller, uint128 amount) public {
        amount = uint128(bound(amount, 1, type(uint128).max));
        assumeNotForgeAddress(caller);
        _lockAndQueueEth(alice, amount);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.Claimed(alice, ETH, amount);
        vm.prank(caller);
        bridge.claimFor(alice, ETH);
        assertEq(alice.balance, amount);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);
    }

    function test_claimFor_revertsWhenNothingPending() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, alice, tokenId));
        bridge.claimFor(alice, tokenId);
    }

    function test_claim_revertsWhenReceiverRejectsEth() public {
        RejectingReceiver receiver = new RejectingReceiver();
        _lockAndQueueEth(address(receiver), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        receiver.execute(address(bridge), abi.encodeCall(IAssetStorage.claim, (ETH)));
        assertEq(bridge.pendingWithdrawals(address(receiver), ETH), 1 ether); // nothing lost

        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        bridge.claimFor(address(receiver), ETH);
    }

    function test_claim_blocksReentrantClaimFromEthReceiver() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        _lockAndQueueEth(address(receiver), 1 ether);
        _lockAndQueueEth(address(receiver), 1 ether); // 2 ether pending, 2 ether held
        receiver.arm(address(bridge), abi.encodeCall(IAssetStorage.claim, (ETH)), false);

        receiver.execute(address(bridge), 0, abi.encodeCall(IAssetStorage.claim, (ETH)));

        assertFalse(receiver.innerCallSucceeded());
        assertEq(
            receiver.innerRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(receiver.received(), 2 ether); // paid once, the whole pending amount
        assertEq(address(bridge).balance, 0);
        assertEq(bridge.pendingWithdrawals(address(receiver), ETH), 0);
    }

    function test_claim_blocksReentrantClaimForAndDepositFromEthReceiver() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        _lockAndQueueEth(address(receiver), 1 ether);
        receiver.arm(address(bridge), abi.encodeCall(IAssetStorage.claimFor, (address(receiver), ETH)), false);
        bridge.claimFor(address(receiver), ETH);
        assertEq(
            receiver.innerRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );

        _lockAndQueueEth(address(receiver), 1 ether);
        receiver.arm(
            address(bridge), abi.encodeCall(IAssetStorage.depositERC20, (address(token), 1, alice)), false
        );
        bridge.claimFor(address(receiver), ETH);
        assertEq(
            receiver.innerRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(receiver.received(), 2 ether);
    }

    function test_claim_reentrancyRevertBubblesAsFailedTransfer() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        _lockAndQueueEth(address(receiver), 1 ether);
        receiver.arm(address(bridge), abi.encodeCall(IAssetStorage.claim, (ETH)), true);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        bridge.claimFor(address(receiver), ETH);
        assertEq(bridge.pendingWithdrawals(address(receiver), ETH), 1 ether);
        assertEq(address(bridge).balance, 1 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                 ERC-20
    //////////////////////////////////////////////////////////////*/

    function test_claim_paysErc20() public {
        _lockAndQueueToken(token, tokenId, bob, 500);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.Claimed(bob, tokenId, 500);
        vm.prank(bob);
        bridge.claim(tokenId);
        assertEq(token.balanceOf(bob), 500);
        assertEq(token.balanceOf(address(bridge)), 0);
        assertEq(bridge.pendingWithdrawals(bob, tokenId), 0);
    }

    function test_claim_revertsWhenTokenReturnsFalse() public {
        FalseReturningERC20 bad = new FalseReturningERC20();
        uint32 id = _dock(address(bad));
        _lockAndQueueToken(bad, id, bob, 500);
        bad.setFailing(true);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(bad)));
        bridge.claim(id);
        assertEq(bridge.pendingWithdrawals(bob, id), 500);
        assertEq(bad.balanceOf(address(bridge)), 500);
    }

    function test_claim_paysTokenWithoutReturnValue() public {
        NoReturnERC20 usdtLike = new NoReturnERC20();
        uint32 id = _dock(address(usdtLike));
        usdtLike.mint(carol, 70);
        vm.startPrank(carol);
        usdtLike.approve(address(bridge), 70);
        bridge.depositERC20(address(usdtLike), 70, carol);
        vm.stopPrank();
        _queueWithdrawal(_record(carol, id, 70, carol), id, bob, 70);
        vm.prank(bob);
        bridge.claim(id);
        assertEq(usdtLike.balanceOf(bob), 70);
    }

    function test_claim_feeOnTransferTokenSendsThePendingAmount() public {
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(100);
        uint32 id = _dock(address(fee));
        fee.mint(carol, 10_000);
        vm.startPrank(carol);
        fee.approve(address(bridge), 10_000);
        bridge.depositERC20(address(fee), 10_000, carol); // 9900 arrive
        vm.stopPrank();
        _queueWithdrawal(_record(carol, id, 9900, carol), id, bob, 9900);

        vm.prank(bob);
        bridge.claim(id);
        assertEq(fee.balanceOf(address(bridge)), 0);
        assertEq(fee.balanceOf(bob), 9801); // the token takes its fee on the way out too
    }

    function test_claim_blocksReentrancyFromToken() public {
        ReentrantERC20 evil = new ReentrantERC20();
        uint32 id = _dock(address(evil));
        _lockAndQueueToken(evil, id, bob, 100);
        _lockAndQueueToken(evil, id, bob, 100);
        evil.arm(address(bridge), abi.encodeCall(IAssetStorage.claimFor, (bob, id)), true, false);

        vm.prank(bob);
        bridge.claim(id);

        assertEq(evil.attacks(), 1);
        assertFalse(evil.innerCallSucceeded());
        assertEq(
            evil.innerRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(evil.balanceOf(bob), 200);
        assertEq(evil.balanceOf(address(bridge)), 0);
    }

    function test_claim_worksDuringExodus() public {
        _lockAndQueueEth(alice, 1 ether);
        _enterExodus();
        vm.prank(alice);
        bridge.claim(ETH);
        assertEq(alice.balance, 1 ether);
    }

    function test_claim_worksWhileTokenPaused() public {
        _lockAndQueueToken(token, tokenId, bob, 5);
        vm.prank(governor);
        bridge.setTokenPaused(tokenId, true);
        vm.prank(bob);
        bridge.claim(tokenId);
        assertEq(token.balanceOf(bob), 5);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    uint256 private _nextRoot = 1;

    /// @dev Carol deposits `amount` ETH; one batch credits it on L2 and withdraws it to `to`.
    function _lockAndQueueEth(address to, uint256 amount) private {
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(carol, carol, amount);
        _queueWithdrawal(rec, ETH, to, uint128(amount));
    }

    /// @dev Carol deposits `amount` of `t` (no fee); one batch credits it and withdraws it to `to`.
    function _lockAndQueueToken(MockERC20 t, uint32 id, address to, uint128 amount) private {
        t.mint(carol, amount);
        vm.startPrank(carol);
        t.approve(address(bridge), amount);
        bridge.depositERC20(address(t), amount, carol);
        vm.stopPrank();
        _queueWithdrawal(_record(carol, id, amount, carol), id, to, amount);
    }

    function _queueWithdrawal(BridgeProtocol.DepositRecord memory rec, uint32 id, address to, uint128 amount)
        private
    {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        slots[1] = _withdrawSlot(id, to, amount);
        _submit(_nextRoot++, 1, slots);
    }
}
