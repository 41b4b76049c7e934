// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC6909, IERC6909Metadata} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {L2Base} from "./L2Base.sol";

/// @notice Construction, roles, deposit credits, withdrawals, metadata and the exodus halt.
contract AssetReceivingTest is L2Base {
    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_setsRolesAndInitialState() public view {
        assertEq(ledger.owner(), governor);
        assertEq(ledger.relayer(), relayer);
        assertEq(ledger.opHead(), bytes32(0));
        assertEq(ledger.opCount(), 0);
        assertEq(ledger.nextDepositId(), 0);
        assertFalse(ledger.halted());
        assertFalse(ledger.creditsPaused());
        assertEq(ledger.MAX_BALANCE(), type(uint128).max);
        assertEq(ledger.MAX_TOKEN_ID(), type(uint32).max);
    }

    function test_constructor_setsEthMetadata() public view {
        assertEq(ledger.name(0), "Ether");
        assertEq(ledger.symbol(0), "ETH");
        assertEq(ledger.decimals(0), 18);
        assertEq(ledger.name(1), "");
        assertEq(ledger.decimals(1), 0);
    }

    function test_constructor_emitsRelayerAndEthMetadata() public {
        vm.expectEmit(true, true, true, true);
        emit AssetReceiving.RelayerSet(address(0), relayer);
        vm.expectEmit(true, true, true, true);
        emit AssetReceiving.TokenMetadataSet(0, "Ether", "ETH", 18);
        new AssetReceiving(governor, relayer);
    }

    function test_constructor_revertsOnZeroGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new AssetReceiving(address(0), relayer);
    }

    function test_constructor_revertsOnZeroRelayer() public {
        vm.expectRevert(AssetReceiving.ZeroRelayer.selector);
        new AssetReceiving(governor, address(0));
    }

    /*//////////////////////////////////////////////////////////////
                                ERC-165
    //////////////////////////////////////////////////////////////*/

    function test_supportsInterface_erc6909MetadataAnd165() public view {
        assertTrue(ledger.supportsInterface(type(IERC6909).interfaceId));
        assertTrue(ledger.supportsInterface(type(IERC6909Metadata).interfaceId));
        assertTrue(ledger.supportsInterface(type(IERC165).interfaceId));
        assertEq(type(IERC6909).interfaceId, bytes4(0x0f632fb3));
    }

    function test_supportsInterface_rejectsOthers() public view {
        assertFalse(ledger.supportsInterface(0xffffffff));
        assertFalse(ledger.supportsInterface(0x80ac58cd)); // ERC-721
        assertFalse(ledger.supportsInterface(0x00000000));
    }

    /*//////////////////////////////////////////////////////////////
                             CREDIT DEPOSIT
    //////////////////////////////////////////////////////////////*/

    function test_creditDeposit_mintsLogsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Transfer(relayer, address(0), alice, USDC, 500);
        _expectOp(CREDIT, USDC, address(0), alice, 500);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.DepositCredited(0, alice, USDC, 500, 0);

        vm.prank(relayer);
        ledger.creditDeposit(0, alice, USDC, 500);

        assertEq(ledger.balanceOf(alice, USDC), 500);
        assertEq(ledger.nextDepositId(), 1);
        _assertOpLog();
    }

    function test_creditDeposit_firstHeadMatchesSpecFormula() public {
        _credit(alice, ETH, 1 ether);
        bytes32 h1 =
            keccak256(abi.encode(bytes32(0), uint8(1), uint32(0), address(0), alice, uint128(1 ether)));
        assertEq(ledger.opHead(), h1);
        assertTrue(h1 != bytes32(0));
    }

    function test_creditDeposit_sequenceAccumulates() public {
        _credit(alice, ETH, 3);
        _credit(bob, USDC, 4);
        _credit(alice, ETH, 5);

        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.DepositCredited(3, carol, DAI, 6, 3);
        _credit(carol, DAI, 6);

        assertEq(ledger.balanceOf(alice, ETH), 8);
        assertEq(ledger.balanceOf(bob, USDC), 4);
        assertEq(ledger.balanceOf(carol, DAI), 6);
        assertEq(ledger.nextDepositId(), 4);
        _assertOpLog();
    }

    function test_creditDeposit_revertsOnReplay() public {
        _credit(alice, ETH, 1);
        _credit(alice, ETH, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.DepositAlreadyCredited.selector, 0, 2));
        ledger.creditDeposit(0, alice, ETH, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.DepositAlreadyCredited.selector, 1, 2));
        ledger.creditDeposit(1, alice, ETH, 1);
        assertEq(ledger.balanceOf(alice, ETH), 2);
        _assertOpLog();
    }

    function test_creditDeposit_revertsOnGap() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.DepositIdGap.selector, 1, 0));
        ledger.creditDeposit(1, alice, ETH, 1);

        _credit(alice, ETH, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.DepositIdGap.selector, type(uint64).max, 1));
        ledger.creditDeposit(type(uint64).max, alice, ETH, 1);
        assertEq(ledger.nextDepositId(), 1);
        _assertOpLog();
    }

    function testFuzz_creditDeposit_revertsOnAnyWrongId(uint64 depositId, uint8 credited) public {
        for (uint256 i; i < credited % 8; ++i) {
            _credit(alice, ETH, 1);
        }
        uint64 next = ledger.nextDepositId();
        vm.assume(depositId != next);
        bytes4 reason = depositId < next
            ? AssetReceiving.DepositAlreadyCredited.selector
            : AssetReceiving.DepositIdGap.selector;
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(reason, depositId, next));
        ledger.creditDeposit(depositId, alice, ETH, 1);
    }

    function test_creditDeposit_revertsIfNotRelayer() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.CallerIsNotRelayer.selector, governor));
        ledger.creditDeposit(0, alice, ETH, 1);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.CallerIsNotRelayer.selector, alice));
        ledger.creditDeposit(0, alice, ETH, 1);
    }

    function test_creditDeposit_revertsOnZeroRecipient() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidReceiver.selector, address(0)));
        ledger.creditDeposit(0, address(0), ETH, 1);
    }

    function test_creditDeposit_revertsOnZeroAmount() public {
        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.ZeroAmount.selector);
        ledger.creditDeposit(0, alice, ETH, 0);
    }

    function test_creditDeposit_failedCreditKeepsDepositId() public {
        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.ZeroAmount.selector);
        ledger.creditDeposit(0, alice, ETH, 0);
        assertEq(ledger.nextDepositId(), 0);
        assertEq(_credit(alice, ETH, 7), 0);
        assertEq(ledger.nextDepositId(), 1);
    }

    function test_creditDeposit_acceptsBalanceExactlyAtCap() public {
        _credit(alice, USDC, MAX128 - 1);
        _credit(alice, USDC, 1);
        assertEq(ledger.balanceOf(alice, USDC), MAX);
        _assertOpLog();
    }

    function test_creditDeposit_revertsAboveBalanceCap() public {
        _credit(alice, USDC, MAX128);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(AssetReceiving.BalanceCapExceeded.selector, alice, USDC, MAX + 1)
        );
        ledger.creditDeposit(1, alice, USDC, 1);

        // other ids and other owners are separate balances
        _credit(alice, DAI, MAX128);
        _credit(bob, USDC, MAX128);
        _assertOpLog();
    }

    function testFuzz_creditDeposit_capBoundary(uint128 first, uint128 second) public {
        first = uint128(bound(first, 1, MAX));
        second = uint128(bound(second, 1, MAX));
        _credit(alice, ETH, first);
        vm.prank(relayer);
        if (uint256(first) + second > MAX) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    AssetReceiving.BalanceCapExceeded.selector, alice, ETH, uint256(first) + second
                )
            );
            ledger.creditDeposit(1, alice, ETH, second);
            assertEq(ledger.balanceOf(alice, ETH), first);
        } else {
            ledger.creditDeposit(1, alice, ETH, second);
            _track(CREDIT, ETH, address(0), alice, second);
            assertEq(ledger.balanceOf(alice, ETH), uint256(first) + second);
        }
        _assertOpLog();
    }

    function test_creditDeposit_largestTokenId() public {
        _credit(alice, type(uint32).max, 9);
        assertEq(ledger.balanceOf(alice, type(uint32).max), 9);
        _assertOpLog();
    }

    function test_creditDeposit_revertsWhenPaused() public {
        vm.prank(governor);
        ledger.setCreditsPaused(true);
        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.CreditsArePaused.selector);
        ledger.creditDeposit(0, alice, ETH, 1);

        vm.prank(governor);
        ledger.setCreditsPaused(false);
        _credit(alice, ETH, 1);
        assertEq(ledger.balanceOf(alice, ETH), 1);
    }

    function test_creditDeposit_revertsWhenHalted() public {
        vm.prank(relayer);
        ledger.haltForExodus();
        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.creditDeposit(0, alice, ETH, 1);
    }

    function testFuzz_creditDeposit_anyValidCredit(address to, uint32 tokenId, uint128 amount) public {
        vm.assume(to != address(0));
        amount = uint128(bound(amount, 1, MAX));
        _expectOp(CREDIT, tokenId, address(0), to, amount);
        vm.prank(relayer);
        ledger.creditDeposit(0, to, tokenId, amount);
        assertEq(ledger.balanceOf(to, tokenId), amount);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                                WITHDRAW
    //////////////////////////////////////////////////////////////*/

    function test_withdraw_burnsLogsAndEmits() public {
        _credit(alice, USDC, 100);

        vm.expectEmit(true, true, true, true, address(ledger));
        emit IERC6909.Transfer(alice, alice, address(0), USDC, 40);
        _expectOp(WITHDRAW, USDC, alice, l1Alice, 40);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.WithdrawalRequested(1, alice, l1Alice, USDC, 40);

        vm.prank(alice);
        ledger.withdraw(USDC, 40, l1Alice);

        assertEq(ledger.balanceOf(alice, USDC), 60);
        _assertOpLog();
    }

    function test_withdraw_fullBalanceToOwnAddress() public {
        _credit(alice, ETH, 5);
        _expectOp(WITHDRAW, ETH, alice, alice, 5);
        vm.prank(alice);
        ledger.withdraw(ETH, 5, alice);
        assertEq(ledger.balanceOf(alice, ETH), 0);
        _assertOpLog();
    }

    function test_withdraw_revertsOnZeroL1Recipient() public {
        _credit(alice, ETH, 5);
        vm.prank(alice);
        vm.expectRevert(AssetReceiving.ZeroL1Recipient.selector);
        ledger.withdraw(ETH, 5, address(0));
    }

    function test_withdraw_revertsOnZeroAmount() public {
        _credit(alice, ETH, 5);
        vm.prank(alice);
        vm.expectRevert(AssetReceiving.ZeroAmount.selector);
        ledger.withdraw(ETH, 0, l1Alice);
    }

    function test_withdraw_revertsOnInsufficientBalance() public {
        _credit(alice, ETH, 5);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, alice, 5, 6, ETH));
        ledger.withdraw(ETH, 6, l1Alice);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InsufficientBalance.selector, bob, 0, 1, ETH));
        ledger.withdraw(ETH, 1, bob);
        _assertOpLog();
    }

    function test_withdraw_revertsWhenHalted() public {
        _credit(alice, ETH, 5);
        vm.prank(governor);
        ledger.haltForExodus();
        vm.prank(alice);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.withdraw(ETH, 5, l1Alice);
    }

    function test_withdraw_allowedWhileCreditsPaused() public {
        _credit(alice, ETH, 5);
        vm.prank(governor);
        ledger.setCreditsPaused(true);
        _expectOp(WITHDRAW, ETH, alice, l1Alice, 5);
        vm.prank(alice);
        ledger.withdraw(ETH, 5, l1Alice);
        _assertOpLog();
    }

    function testFuzz_withdraw_anyPartOfBalance(uint128 credited, uint128 amount, address l1Recipient)
        public
    {
        vm.assume(l1Recipient != address(0));
        credited = uint128(bound(credited, 1, MAX));
        amount = uint128(bound(amount, 1, credited));
        _credit(alice, DAI, credited);
        _expectOp(WITHDRAW, DAI, alice, l1Recipient, amount);
        vm.prank(alice);
        ledger.withdraw(DAI, amount, l1Recipient);
        assertEq(ledger.balanceOf(alice, DAI), credited - amount);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                             TOKEN METADATA
    //////////////////////////////////////////////////////////////*/

    function test_setTokenMetadata_byRelayer() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.TokenMetadataSet(USDC, "USD Coin", "USDC", 6);
        vm.prank(relayer);
        ledger.setTokenMetadata(USDC, "USD Coin", "USDC", 6);
        assertEq(ledger.name(USDC), "USD Coin");
        assertEq(ledger.symbol(USDC), "USDC");
        assertEq(ledger.decimals(USDC), 6);
    }

    function test_setTokenMetadata_byGovernorOverwrites() public {
        vm.prank(relayer);
        ledger.setTokenMetadata(DAI, "Dai", "DAI", 17);
        vm.prank(governor);
        ledger.setTokenMetadata(DAI, "Dai Stablecoin", "DAI", 18);
        assertEq(ledger.name(DAI), "Dai Stablecoin");
        assertEq(ledger.decimals(DAI), 18);
    }

    function test_setTokenMetadata_revertsForOthers() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.CallerIsNotRelayerOrGovernor.selector, alice));
        ledger.setTokenMetadata(USDC, "Fake", "FAKE", 6);
    }

    function test_setTokenMetadata_doesNotTouchOpLog() public {
        vm.prank(relayer);
        ledger.setTokenMetadata(USDC, "USD Coin", "USDC", 6);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                                 ROLES
    //////////////////////////////////////////////////////////////*/

    function test_setRelayer_replacesRelayer() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.RelayerSet(relayer, carol);
        vm.prank(governor);
        ledger.setRelayer(carol);
        assertEq(ledger.relayer(), carol);

        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.CallerIsNotRelayer.selector, relayer));
        ledger.creditDeposit(0, alice, ETH, 1);

        vm.prank(carol);
        ledger.creditDeposit(0, alice, ETH, 1);
        assertEq(ledger.balanceOf(alice, ETH), 1);
    }

    function test_setRelayer_revertsOnZero() public {
        vm.prank(governor);
        vm.expectRevert(AssetReceiving.ZeroRelayer.selector);
        ledger.setRelayer(address(0));
    }

    function test_setRelayer_revertsIfNotGovernor() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        ledger.setRelayer(relayer);
    }

    function test_setCreditsPaused_setsFlagAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.CreditsPausedSet(true);
        vm.prank(governor);
        ledger.setCreditsPaused(true);
        assertTrue(ledger.creditsPaused());

        vm.prank(governor);
        ledger.setCreditsPaused(false);
        assertFalse(ledger.creditsPaused());
    }

    function test_setCreditsPaused_revertsIfNotGovernor() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        ledger.setCreditsPaused(true);
    }

    function test_transferOwnership_isTwoStep() public {
        vm.prank(governor);
        ledger.transferOwnership(carol);
        assertEq(ledger.owner(), governor);
        assertEq(ledger.pendingOwner(), carol);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        ledger.acceptOwnership();

        vm.prank(carol);
        ledger.acceptOwnership();
        assertEq(ledger.owner(), carol);

        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, governor));
        ledger.setCreditsPaused(true);
    }

    function test_renounceOwnership_isDisabled() public {
        vm.prank(governor);
        vm.expectRevert(AssetReceiving.RenounceOwnershipDisabled.selector);
        ledger.renounceOwnership();
        assertEq(ledger.owner(), governor);
    }

    /*//////////////////////////////////////////////////////////////
                               EXODUS HALT
    //////////////////////////////////////////////////////////////*/

    function test_haltForExodus_byRelayer() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.Halted();
        vm.prank(relayer);
        ledger.haltForExodus();
        assertTrue(ledger.halted());
    }

    function test_haltForExodus_byGovernor() public {
        vm.prank(governor);
        ledger.haltForExodus();
        assertTrue(ledger.halted());
    }

    function test_haltForExodus_revertsForOthers() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(AssetReceiving.CallerIsNotRelayerOrGovernor.selector, alice));
        ledger.haltForExodus();
        assertFalse(ledger.halted());
    }

    function test_haltForExodus_revertsWhenAlreadyHalted() public {
        vm.prank(relayer);
        ledger.haltForExodus();
        vm.prank(governor);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.haltForExodus();
    }

    function test_haltForExodus_stopsEveryOpAndFreezesLog() public {
        _credit(alice, ETH, 10);
        vm.prank(alice);
        ledger.setOperator(bob, true);
        vm.prank(alice);
        ledger.approve(carol, ETH, 10);

        vm.prank(relayer);
        ledger.haltForExodus();

        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.creditDeposit(1, alice, ETH, 1);

        vm.prank(alice);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.transfer(bob, ETH, 1);

        vm.prank(bob);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.transferFrom(alice, bob, ETH, 1);

        vm.prank(carol);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.transferFrom(alice, carol, ETH, 1);

        vm.prank(alice);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.withdraw(ETH, 1, l1Alice);

        // the pause flag cannot lift the halt
        vm.prank(governor);
        ledger.setCreditsPaused(false);
        vm.prank(relayer);
        vm.expectRevert(AssetReceiving.LedgerHalted.selector);
        ledger.creditDeposit(1, alice, ETH, 1);

        assertEq(ledger.balanceOf(alice, ETH), 10);
        assertEq(ledger.allowance(alice, carol, ETH), 10);
        assertEq(ledger.nextDepositId(), 1);
        _assertOpLog();
    }
}
