// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC6909, IERC6909Metadata} from "@openzeppelin/contracts/interfaces/IERC6909.sol";
import {ERC6909} from "@openzeppelin/contracts/token/ERC6909/ERC6909.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {IAttesterSet} from "../../src/universal/IAttesterSet.sol";
import {L2Base} from "./L2Base.sol";

/// @notice Construction, roles, deposit credits, withdrawals, metadata and the exodus halt.
contract AssetReceivingTest is L2Base {
    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_setsRolesAndInitialState() public view {
        assertEq(ledger.owner(), governor);
        assertEq(ledger.metadataRelayer(), address(0));
        assertEq(ledger.l1ChainId(), L1_CHAIN_ID);
        assertEq(ledger.l1Storage(), l1Storage);
        assertEq(ledger.attesters(), attesterSet);
        assertEq(ledger.attesterThreshold(), THRESHOLD);
        assertEq(ledger.governanceDelay(), GOVERNANCE_DELAY);
        assertEq(ledger.opHead(), bytes32(0));
        assertEq(ledger.opCount(), 0);
        assertEq(ledger.nextDepositId(), 0);
        assertFalse(ledger.halted());
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

    function test_constructor_emitsAttesterSetAndEthMetadata() public {
        vm.expectEmit(true, true, true, true);
        emit IAttesterSet.AttesterSetApplied(1, attesterSet, THRESHOLD);
        vm.expectEmit(true, true, true, true);
        emit IAssetReceiving.TokenMetadataSet(0, "Ether", "ETH", 18);
        new AssetReceiving(governor, L1_CHAIN_ID, l1Storage, attesterSet, THRESHOLD, GOVERNANCE_DELAY);
    }

    function test_constructor_revertsOnZeroGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new AssetReceiving(address(0), L1_CHAIN_ID, l1Storage, attesterSet, THRESHOLD, GOVERNANCE_DELAY);
    }

    function test_constructor_revertsOnZeroL1Storage() public {
        vm.expectRevert(IAssetReceiving.L1StorageIsZeroAddress.selector);
        new AssetReceiving(governor, L1_CHAIN_ID, address(0), attesterSet, THRESHOLD, GOVERNANCE_DELAY);
    }

    function test_constructor_revertsOnZeroGovernanceDelay() public {
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.InvalidGovernanceDelay.selector, uint64(0)));
        new AssetReceiving(governor, L1_CHAIN_ID, l1Storage, attesterSet, THRESHOLD, 0);
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
        emit IAssetReceiving.DepositCredited(0, alice, USDC, 500, 0);

        vm.prank(relayer);
        _creditAt(0, alice, USDC, 500);

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
        emit IAssetReceiving.DepositCredited(3, carol, DAI, 6, 3);
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
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositAlreadyCredited.selector, 0, 2));
        _creditAt(0, alice, ETH, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositAlreadyCredited.selector, 1, 2));
        _creditAt(1, alice, ETH, 1);
        assertEq(ledger.balanceOf(alice, ETH), 2);
        _assertOpLog();
    }

    function test_creditDeposit_revertsOnGap() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositIdGap.selector, 1, 0));
        _creditAt(1, alice, ETH, 1);

        _credit(alice, ETH, 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositIdGap.selector, type(uint64).max, 1));
        _creditAt(type(uint64).max, alice, ETH, 1);
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
            ? IAssetReceiving.DepositAlreadyCredited.selector
            : IAssetReceiving.DepositIdGap.selector;
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(reason, depositId, next));
        _creditAt(depositId, alice, ETH, 1);
    }

    function test_creditDeposit_revertsOnZeroRecipient() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(ERC6909.ERC6909InvalidReceiver.selector, address(0)));
        _creditAt(0, address(0), ETH, 1);
    }

    function test_creditDeposit_revertsOnZeroAmount() public {
        vm.prank(relayer);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        _creditAt(0, alice, ETH, 0);
    }

    function test_creditDeposit_failedCreditKeepsDepositId() public {
        vm.prank(relayer);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        _creditAt(0, alice, ETH, 0);
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
            abi.encodeWithSelector(IAssetReceiving.BalanceCapExceeded.selector, alice, USDC, MAX + 1)
        );
        _creditAt(1, alice, USDC, 1);

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
                    IAssetReceiving.BalanceCapExceeded.selector, alice, ETH, uint256(first) + second
                )
            );
            _creditAt(1, alice, ETH, second);
            assertEq(ledger.balanceOf(alice, ETH), first);
        } else {
            _creditAt(1, alice, ETH, second);
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

    function test_creditDeposit_revertsWhenHalted() public {
        vm.prank(relayer);
        _halt();
        vm.prank(relayer);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        _creditAt(0, alice, ETH, 1);
    }

    function testFuzz_creditDeposit_anyValidCredit(address to, uint32 tokenId, uint128 amount) public {
        vm.assume(to != address(0));
        amount = uint128(bound(amount, 1, MAX));
        _expectOp(CREDIT, tokenId, address(0), to, amount);
        vm.prank(relayer);
        _creditAt(0, to, tokenId, amount);
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
        emit IAssetReceiving.WithdrawalRequested(1, alice, l1Alice, USDC, 40);

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
        vm.expectRevert(IAssetReceiving.ZeroL1Recipient.selector);
        ledger.withdraw(ETH, 5, address(0));
    }

    function test_withdraw_revertsOnZeroAmount() public {
        _credit(alice, ETH, 5);
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
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
        _halt();
        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.withdraw(ETH, 5, l1Alice);
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

    function test_setTokenMetadata_byMetadataRelayer() public {
        vm.prank(governor);
        ledger.setMetadataRelayer(relayer);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IAssetReceiving.TokenMetadataSet(USDC, "USD Coin", "USDC", 6);
        vm.prank(relayer);
        ledger.setTokenMetadata(USDC, "USD Coin", "USDC", 6);
        assertEq(ledger.name(USDC), "USD Coin");
        assertEq(ledger.symbol(USDC), "USDC");
        assertEq(ledger.decimals(USDC), 6);
    }

    function test_setTokenMetadata_byGovernorOverwrites() public {
        vm.prank(governor);
        ledger.setMetadataRelayer(relayer);
        vm.prank(relayer);
        ledger.setTokenMetadata(DAI, "Dai", "DAI", 17);
        vm.prank(governor);
        ledger.setTokenMetadata(DAI, "Dai Stablecoin", "DAI", 18);
        assertEq(ledger.name(DAI), "Dai Stablecoin");
        assertEq(ledger.decimals(DAI), 18);
    }

    function test_setTokenMetadata_revertsForOthers() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetReceiving.CallerIsNotMetadataRelayerOrGovernor.selector, alice)
        );
        ledger.setTokenMetadata(USDC, "Fake", "FAKE", 6);
        // Without a metadata relayer, a courier has no say either.
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetReceiving.CallerIsNotMetadataRelayerOrGovernor.selector, relayer)
        );
        ledger.setTokenMetadata(USDC, "Fake", "FAKE", 6);
    }

    function test_setTokenMetadata_doesNotTouchOpLog() public {
        vm.prank(governor);
        ledger.setTokenMetadata(USDC, "USD Coin", "USDC", 6);
        _assertOpLog();
    }

    /*//////////////////////////////////////////////////////////////
                                 ROLES
    //////////////////////////////////////////////////////////////*/

    function test_setMetadataRelayer_setsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IAssetReceiving.MetadataRelayerSet(address(0), carol);
        vm.prank(governor);
        ledger.setMetadataRelayer(carol);
        assertEq(ledger.metadataRelayer(), carol);
    }

    function test_setMetadataRelayer_revertsIfNotGovernor() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        ledger.setMetadataRelayer(relayer);
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
        ledger.setMetadataRelayer(governor);
    }

    function test_renounceOwnership_isDisabled() public {
        vm.prank(governor);
        vm.expectRevert(IAssetReceiving.RenounceOwnershipDisabled.selector);
        ledger.renounceOwnership();
        assertEq(ledger.owner(), governor);
    }

    /*//////////////////////////////////////////////////////////////
                               EXODUS HALT
    //////////////////////////////////////////////////////////////*/

    function testFuzz_haltForExodus_anyoneWithAnAttestation(address caller) public {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IAssetReceiving.Halted();
        vm.prank(caller);
        _halt();
        assertTrue(ledger.halted());
    }

    /// @dev The governor alone can no longer freeze L2.
    function test_haltForExodus_revertsWithoutAttestation() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 0, THRESHOLD));
        ledger.haltForExodus("");
        bytes memory one = _signBy(_exodusDigest(ledger), _range(0, 1));
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 1, THRESHOLD));
        ledger.haltForExodus(one);
        assertFalse(ledger.halted());
    }

    function test_haltForExodus_revertsWhenAlreadyHalted() public {
        vm.prank(relayer);
        _halt();
        vm.prank(governor);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        _halt();
    }

    function test_haltForExodus_stopsEveryOpAndFreezesLog() public {
        _credit(alice, ETH, 10);
        vm.prank(alice);
        ledger.setOperator(bob, true);
        vm.prank(alice);
        ledger.approve(carol, ETH, 10);

        vm.prank(relayer);
        _halt();

        vm.prank(relayer);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        _creditAt(1, alice, ETH, 1);

        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.transfer(bob, ETH, 1);

        vm.prank(bob);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.transferFrom(alice, bob, ETH, 1);

        vm.prank(carol);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.transferFrom(alice, carol, ETH, 1);

        vm.prank(alice);
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.withdraw(ETH, 1, l1Alice);

        assertEq(ledger.balanceOf(alice, ETH), 10);
        assertEq(ledger.allowance(alice, carol, ETH), 10);
        assertEq(ledger.nextDepositId(), 1);
        _assertOpLog();
    }
}
