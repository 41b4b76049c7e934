// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {ReentrantERC20} from "./mocks/Reentrancy.sol";
import {
    FalseReturningERC20,
    FeeOnTransferERC20,
    InflatingERC20,
    MockERC20,
    NoReturnERC20
} from "./mocks/TestTokens.sol";

/// @notice depositETH and depositERC20 (docs/protocol.md section 5).
contract AssetStorageDepositTest is AssetStorageBase {
    /*//////////////////////////////////////////////////////////////
                                  ETH
    //////////////////////////////////////////////////////////////*/

    function test_depositETH_storesHashAndEmitsRecord() public {
        vm.deal(alice, 3 ether);
        BridgeProtocol.DepositRecord memory rec = _record(bob, ETH, 3 ether, alice);

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.DepositQueued(0, bob, ETH, 3 ether, alice, START_TIME);
        vm.prank(alice);
        uint64 id = bridge.depositETH{value: 3 ether}(bob);

        assertEq(id, 0);
        assertEq(bridge.depositCount(), 1);
        assertEq(bridge.processedDeposits(), 0);
        assertEq(bridge.requestHashes(0), _expectedHash(rec));
        assertEq(bridge.requestTimestamp(0), START_TIME);
        assertEq(bridge.tokenSupply(ETH), 3 ether);
        assertEq(address(bridge).balance, 3 ether);
        assertEq(alice.balance, 0);
    }

    function test_depositETH_assignsSequentialIdsAndTimestamps() public {
        (uint64 id0, BridgeProtocol.DepositRecord memory r0) = _depositETH(alice, alice, 1);
        vm.warp(START_TIME + 100);
        (uint64 id1, BridgeProtocol.DepositRecord memory r1) = _depositETH(bob, carol, 2);
        (uint64 id2,) = _depositToken(carol, alice, 3);

        assertEq(id0, 0);
        assertEq(id1, 1);
        assertEq(id2, 2);
        assertEq(bridge.depositCount(), 3);
        assertEq(bridge.requestHashes(0), _expectedHash(r0));
        assertEq(bridge.requestHashes(1), _expectedHash(r1));
        assertEq(r1.timestamp, START_TIME + 100);
        assertEq(bridge.requestTimestamp(0), START_TIME);
        assertEq(bridge.requestTimestamp(1), START_TIME + 100);
        assertEq(bridge.requestTimestamp(2), START_TIME + 100);
        assertEq(bridge.requestHashes(3), bytes32(0));
        assertEq(bridge.requestTimestamp(3), 0);
    }

    function test_depositETH_acceptsUint128Max() public {
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, type(uint128).max);
        assertEq(bridge.requestHashes(0), _expectedHash(rec));
    }

    function test_depositETH_revertsAboveUint128() public {
        uint256 amount = uint256(type(uint128).max) + 1;
        vm.deal(alice, amount);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.AmountTooLarge.selector, amount));
        bridge.depositETH{value: amount}(bob);
    }

    function test_depositETH_revertsForZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(IAssetStorage.ZeroAmount.selector);
        bridge.depositETH(bob);
    }

    function test_depositETH_revertsForZeroRecipient() public {
        vm.deal(alice, 1);
        vm.prank(alice);
        vm.expectRevert(IAssetStorage.ZeroL2Recipient.selector);
        bridge.depositETH{value: 1}(address(0));
    }

    function test_depositETH_revertsWhenPaused() public {
        vm.prank(governor);
        bridge.setTokenPaused(ETH, true);
        vm.deal(alice, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenDepositsPaused.selector, ETH));
        bridge.depositETH{value: 1}(bob);

        // Other tokens are not paused, and resuming works.
        _depositToken(alice, bob, 5);
        vm.prank(governor);
        bridge.setTokenPaused(ETH, false);
        _depositETH(alice, bob, 1);
        assertEq(bridge.depositCount(), 2);
    }

    function test_depositETH_respectsCap() public {
        vm.prank(governor);
        bridge.setDepositCap(ETH, 1 ether);
        _depositETH(alice, bob, 1 ether); // at the cap: fine

        vm.deal(alice, 1 ether + 1);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.DepositAboveCap.selector, ETH, 1 ether + 1, 1 ether)
        );
        bridge.depositETH{value: 1 ether + 1}(bob);

        // The ETH cap does not bound the ERC-20.
        _depositToken(alice, bob, 5 ether);
        assertEq(bridge.depositCount(), 2);
    }

    function test_depositETH_revertsInExodus() public {
        _enterExodus();
        vm.deal(alice, 1);
        vm.prank(alice);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.depositETH{value: 1}(bob);
    }

    function test_plainEthTransfer_isRefused() public {
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        (bool ok,) = address(bridge).call{value: 1 ether}("");
        assertFalse(ok);
        assertEq(address(bridge).balance, 0);
    }

    function testFuzz_depositETH(address depositor, address recipient, uint128 amount, uint64 time) public {
        vm.assume(recipient != address(0) && amount != 0 && depositor != address(bridge));
        assumeNotForgeAddress(depositor);
        vm.warp(time);
        uint256 before = address(bridge).balance;
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositETH(depositor, recipient, amount);
        assertEq(id, 0);
        assertEq(rec.timestamp, time);
        assertEq(bridge.requestHashes(0), _expectedHash(rec));
        assertEq(address(bridge).balance - before, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 ERC-20
    //////////////////////////////////////////////////////////////*/

    function test_depositERC20_pullsTokensStoresHashAndEmits() public {
        token.mint(alice, 100);
        vm.prank(alice);
        token.approve(address(bridge), 100);

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.DepositQueued(0, carol, tokenId, 60, alice, START_TIME);
        vm.prank(alice);
        uint64 id = bridge.depositERC20(address(token), 60, carol);

        assertEq(id, 0);
        assertEq(token.balanceOf(address(bridge)), 60);
        assertEq(token.balanceOf(alice), 40);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(carol, tokenId, 60, alice)));
    }

    function test_depositERC20_revertsForUndockedToken() public {
        MockERC20 other = new MockERC20("Other", "OTH");
        other.mint(alice, 10);
        vm.startPrank(alice);
        other.approve(address(bridge), 10);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenNotDocked.selector, address(other)));
        bridge.depositERC20(address(other), 10, bob);
        vm.stopPrank();
    }

    function test_depositERC20_revertsForZeroAddressToken() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenNotDocked.selector, address(0)));
        bridge.depositERC20(address(0), 10, bob);
    }

    function test_depositERC20_revertsForZeroAmount() public {
        vm.prank(alice);
        vm.expectRevert(IAssetStorage.ZeroAmount.selector);
        bridge.depositERC20(address(token), 0, bob);
    }

    function test_depositERC20_revertsForZeroRecipient() public {
        token.mint(alice, 10);
        vm.startPrank(alice);
        token.approve(address(bridge), 10);
        vm.expectRevert(IAssetStorage.ZeroL2Recipient.selector);
        bridge.depositERC20(address(token), 10, address(0));
        vm.stopPrank();
    }

    function test_depositERC20_revertsWhenPaused() public {
        vm.prank(governor);
        bridge.setTokenPaused(tokenId, true);
        token.mint(alice, 10);
        vm.startPrank(alice);
        token.approve(address(bridge), 10);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenDepositsPaused.selector, tokenId));
        bridge.depositERC20(address(token), 10, bob);
        vm.stopPrank();
        _depositETH(alice, bob, 1); // ETH is not paused
    }

    function test_depositERC20_respectsCap() public {
        vm.prank(governor);
        bridge.setDepositCap(tokenId, 1000);
        _depositToken(alice, bob, 1000);

        token.mint(alice, 1001);
        vm.startPrank(alice);
        token.approve(address(bridge), 1001);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositAboveCap.selector, tokenId, 1001, 1000));
        bridge.depositERC20(address(token), 1001, bob);
        vm.stopPrank();
    }

    function test_depositERC20_revertsInExodus() public {
        _enterExodus();
        token.mint(alice, 10);
        vm.startPrank(alice);
        token.approve(address(bridge), 10);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.depositERC20(address(token), 10, bob);
        vm.stopPrank();
    }

    function test_depositERC20_revertsWithoutAllowance() public {
        token.mint(alice, 10);
        vm.prank(alice);
        vm.expectRevert(); // ERC20InsufficientAllowance from the token
        bridge.depositERC20(address(token), 10, bob);
        assertEq(bridge.depositCount(), 0);
    }

    function test_depositERC20_revertsWhenTokenReturnsFalse() public {
        FalseReturningERC20 bad = new FalseReturningERC20();
        _dock(address(bad));
        bad.mint(alice, 10);
        bad.setFailing(true);
        vm.startPrank(alice);
        bad.approve(address(bridge), 10);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(bad)));
        bridge.depositERC20(address(bad), 10, bob);
        vm.stopPrank();
        assertEq(bridge.depositCount(), 0);
    }

    function test_depositERC20_acceptsTokenWithoutReturnValue() public {
        NoReturnERC20 usdtLike = new NoReturnERC20();
        uint32 id = _dock(address(usdtLike));
        usdtLike.mint(alice, 10);
        vm.startPrank(alice);
        usdtLike.approve(address(bridge), 10);
        bridge.depositERC20(address(usdtLike), 10, bob);
        vm.stopPrank();
        assertEq(usdtLike.balanceOf(address(bridge)), 10);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, 10, alice)));
    }

    function test_depositERC20_feeOnTransferCreditsReceivedAmount() public {
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(100); // 1%
        uint32 id = _dock(address(fee));
        fee.mint(alice, 10_000);
        vm.startPrank(alice);
        fee.approve(address(bridge), 10_000);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.DepositQueued(0, bob, id, 9900, alice, START_TIME);
        bridge.depositERC20(address(fee), 10_000, bob);
        vm.stopPrank();
        assertEq(fee.balanceOf(address(bridge)), 9900);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, 9900, alice)));
    }

    function test_depositERC20_capAppliesToReceivedAmount() public {
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(1000); // 10%
        uint32 id = _dock(address(fee));
        vm.prank(governor);
        bridge.setDepositCap(id, 900);
        fee.mint(alice, 1000);
        vm.startPrank(alice);
        fee.approve(address(bridge), 1000);
        bridge.depositERC20(address(fee), 1000, bob); // 900 arrive: at the cap
        vm.stopPrank();
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, 900, alice)));
    }

    function test_depositERC20_revertsWhenNothingArrives() public {
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(10_000); // everything burnt
        _dock(address(fee));
        fee.mint(alice, 1000);
        vm.startPrank(alice);
        fee.approve(address(bridge), 1000);
        vm.expectRevert(IAssetStorage.ZeroAmount.selector);
        bridge.depositERC20(address(fee), 1000, bob);
        vm.stopPrank();
    }

    function test_depositERC20_creditsMoreWhenMoreArrives() public {
        InflatingERC20 infl = new InflatingERC20();
        uint32 id = _dock(address(infl));
        infl.setBonus(5);
        infl.mint(alice, 10);
        vm.startPrank(alice);
        infl.approve(address(bridge), 10);
        bridge.depositERC20(address(infl), 10, bob);
        vm.stopPrank();
        assertEq(infl.balanceOf(address(bridge)), 15);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, 15, alice)));
    }

    function test_depositERC20_revertsWhenArrivalExceedsUint128() public {
        InflatingERC20 infl = new InflatingERC20();
        _dock(address(infl));
        infl.setBonus(type(uint128).max);
        infl.mint(alice, 10);
        vm.startPrank(alice);
        infl.approve(address(bridge), 10);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.AmountTooLarge.selector, uint256(type(uint128).max) + 10)
        );
        bridge.depositERC20(address(infl), 10, bob);
        vm.stopPrank();
    }

    function test_depositERC20_blocksReentrancyFromToken() public {
        ReentrantERC20 evil = new ReentrantERC20();
        uint32 id = _dock(address(evil));
        evil.mint(alice, 100);
        vm.prank(alice);
        evil.approve(address(bridge), 100);
        // During the pull, the token tries to queue a second deposit.
        evil.arm(address(bridge), abi.encodeCall(IAssetStorage.depositETH, (bob)), false, true);

        vm.prank(alice);
        bridge.depositERC20(address(evil), 100, bob);

        assertEq(evil.attacks(), 1);
        assertFalse(evil.innerCallSucceeded());
        assertEq(
            evil.innerRevertData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(bridge.depositCount(), 1);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, 100, alice)));
    }

    function testFuzz_depositERC20(address depositor, address recipient, uint128 amount) public {
        vm.assume(recipient != address(0) && amount != 0);
        vm.assume(depositor != address(0) && depositor != address(bridge));
        assumeNotForgeAddress(depositor);
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositToken(depositor, recipient, amount);
        assertEq(id, 0);
        assertEq(bridge.requestHashes(0), _expectedHash(rec));
        assertEq(token.balanceOf(address(bridge)), amount);
    }

    function testFuzz_depositERC20_feeOnTransfer(uint128 amount, uint16 feeBps) public {
        feeBps = uint16(bound(feeBps, 0, 9999));
        amount = uint128(bound(amount, 10_000, type(uint128).max));
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(feeBps);
        uint32 id = _dock(address(fee));
        fee.mint(alice, amount);
        vm.startPrank(alice);
        fee.approve(address(bridge), amount);
        bridge.depositERC20(address(fee), amount, bob);
        vm.stopPrank();

        uint256 expected = amount - uint256(amount) * feeBps / 10_000;
        assertEq(fee.balanceOf(address(bridge)), expected);
        assertEq(bridge.requestHashes(0), _expectedHash(_record(bob, id, uint128(expected), alice)));
    }
}
