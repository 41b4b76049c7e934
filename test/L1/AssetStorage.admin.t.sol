// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {IAttesterSet} from "../../src/universal/IAttesterSet.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {MockBatchVerifier} from "./mocks/MockBatchVerifier.sol";
import {MockERC20} from "./mocks/TestTokens.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @notice Constructor, views, governance (docking, caps, pauses) and two-step ownership.
contract AssetStorageAdminTest is AssetStorageBase {
    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_setsParametersAndInitialState() public view {
        assertEq(bridge.owner(), governor);
        assertEq(bridge.pendingOwner(), address(0));
        assertEq(bridge.genesisRoot(), genesisRoot);
        assertEq(bridge.l2ChainId(), L2_CHAIN_ID);
        assertEq(bridge.l2Ledger(), l2Ledger);
        assertEq(bridge.l2OpCount(), 0);
        assertEq(bridge.l2OpHead(), bytes32(0));
        assertEq(bridge.attesters(), attesterSet);
        assertEq(bridge.attesterThreshold(), THRESHOLD);
        assertEq(bridge.attesterSetVersion(), 1);
        assertEq(bridge.governanceDelay(), GOVERNANCE_DELAY);
        assertEq(bridge.verifier(), address(mockVerifier));
        assertEq(bridge.stateRoot(), genesisRoot);
        assertEq(bridge.opChain(), 0);
        assertEq(bridge.treeDepth(), DEPTH);
        assertEq(bridge.batchSize(), BATCH);
        assertEq(bridge.priorityDeadline(), DEADLINE);
        assertEq(bridge.batchCount(), 0);
        assertEq(bridge.depositCount(), 0);
        assertEq(bridge.processedDeposits(), 0);
        assertFalse(bridge.exodusMode());
        assertEq(bridge.tokenCount(), 2); // ETH and the token docked in setUp
        assertEq(bridge.tokenAddress(ETH), address(0));
    }

    function test_constructor_genesisRootIsTheEmptyDepth16Tree() public view {
        // zeros[8] of docs/protocol.md section 4 (8 levels of arity 4), as computed by poseidon-lite / @zk-kit.
        assertEq(
            bridge.stateRoot(),
            12_390_767_703_375_336_354_386_586_159_705_861_191_789_202_938_804_190_201_641_874_256_578_171_062_369
        );
    }

    function test_constructor_computesVerifierSelectorForBatchSize() public {
        assertEq(
            bridge.verifierSelector(),
            bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[12])"))
        );
        MockBatchVerifier v1 = new MockBatchVerifier(1);
        AssetStorage b1 = _deploy(address(v1), 1, DEPTH, genesisRoot);
        assertEq(
            b1.verifierSelector(),
            bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[6])"))
        );
        MockBatchVerifier v64 = new MockBatchVerifier(64);
        AssetStorage b64 = _deploy(address(v64), 64, DEPTH, genesisRoot);
        assertEq(
            b64.verifierSelector(),
            bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[132])"))
        );
        assertEq(b64.verifierSelector(), v64.selector());
    }

    function test_constructor_emitsTheFirstAttesterSet() public {
        vm.expectEmit(true, true, true, true);
        emit IAttesterSet.AttesterSetApplied(1, attesterSet, THRESHOLD);
        new AssetStorage(governor, _params(address(mockVerifier), 4, 16));
    }

    function test_constructor_revertsWhenGovernorIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new AssetStorage(address(0), _params(address(mockVerifier), 4, 16));
    }

    function test_constructor_revertsWhenVerifierIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.VerifierHasNoCode.selector, address(0)));
        new AssetStorage(governor, _params(address(0), 4, 16));
    }

    function test_constructor_revertsWhenVerifierHasNoCode() public {
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.VerifierHasNoCode.selector, alice));
        new AssetStorage(governor, _params(alice, 4, 16));
    }

    function test_constructor_computesTheGenesisRootOfEveryDepth() public {
        for (uint8 depth = 2; depth <= 32; depth += 6) {
            AssetStorage b = new AssetStorage(governor, _params(address(mockVerifier), 4, depth));
            assertEq(b.stateRoot(), PoseidonTree.zeros(depth)[depth / 2], "stateRoot = empty root");
            assertEq(b.genesisRoot(), b.stateRoot(), "genesisRoot view");
        }
    }

    function test_constructor_acceptsDepthBounds() public {
        assertEq(new AssetStorage(governor, _params(address(mockVerifier), 4, 2)).treeDepth(), 2);
        assertEq(new AssetStorage(governor, _params(address(mockVerifier), 4, 32)).treeDepth(), 32);
    }

    function testFuzz_constructor_revertsWhenDepthOutOfRange(uint8 depth) public {
        vm.assume(depth == 0 || depth > 32);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.InvalidTreeDepth.selector, depth));
        new AssetStorage(governor, _params(address(mockVerifier), 4, depth));
    }

    /// @dev The 4-ary tree has depth / 2 levels: an odd depth (1, 3, ..., 31) has no tree and is refused.
    function testFuzz_constructor_revertsWhenDepthIsOdd(uint8 depth) public {
        depth = uint8(bound(depth, 0, 15)) * 2 + 1;
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TreeDepthNotEven.selector, depth));
        new AssetStorage(governor, _params(address(mockVerifier), 4, depth));
    }

    function test_constructor_revertsWhenBatchSizeIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.InvalidBatchSize.selector, uint16(0)));
        new AssetStorage(governor, _params(address(mockVerifier), 0, 16));
    }

    function test_constructor_revertsWhenPublicSlotsIsZeroOrAboveBatchSize() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.InvalidPublicSlots.selector, uint16(0), uint16(4))
        );
        new AssetStorage(governor, _paramsK(address(mockVerifier), 4, 0, 16));
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.InvalidPublicSlots.selector, uint16(5), uint16(4))
        );
        new AssetStorage(governor, _paramsK(address(mockVerifier), 4, 5, 16));
        AssetStorage ok = new AssetStorage(governor, _paramsK(address(mockVerifier), 4, 1, 16));
        assertEq(ok.publicSlots(), 1);
    }

    function test_constructor_revertsWhenDeadlineIsZero() public {
        IAssetStorage.DeployParams memory p = _params(address(mockVerifier), 4, 16);
        p.priorityDeadline = 0;
        vm.expectRevert(IAssetStorage.InvalidPriorityDeadline.selector);
        new AssetStorage(governor, p);
    }

    function test_constructor_revertsWhenGovernanceDelayIsBelowTheDeadline() public {
        IAssetStorage.DeployParams memory p = _params(address(mockVerifier), 4, 16);
        p.governanceDelay = DEADLINE - 1;
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.GovernanceDelayTooShort.selector, DEADLINE - 1, DEADLINE)
        );
        new AssetStorage(governor, p);
    }

    function test_constructor_revertsWhenL2LedgerIsZero() public {
        IAssetStorage.DeployParams memory p = _params(address(mockVerifier), 4, 16);
        p.l2Ledger = address(0);
        vm.expectRevert(IAssetStorage.L2LedgerIsZeroAddress.selector);
        new AssetStorage(governor, p);
    }

    function test_constructor_revertsOnABadAttesterSet() public {
        IAssetStorage.DeployParams memory p = _params(address(mockVerifier), 4, 16);
        p.attesterThreshold = 4;
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.InvalidAttesterThreshold.selector, 4, 3));
        new AssetStorage(governor, p);
    }

    /// @dev The storage slot the base reads with vm.load holds what the views say: batchCount, l2OpCount and
    ///      processedDeposits share one word (one SSTORE per batch for the three).
    function test_batchCountersSlot_matchesTheViews() public {
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, alice, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        _submit(1, 1, slots);
        uint256 word = uint256(vm.load(address(bridge), bytes32(BATCH_COUNTERS_SLOT)));
        assertEq(uint64(word), bridge.batchCount());
        assertEq(uint64(word >> 64), bridge.l2OpCount());
        assertEq(uint64(word >> 128), bridge.processedDeposits());
        assertEq(bridge.l2OpCount(), 1);
        assertEq(bridge.processedDeposits(), 1);
    }

    /*//////////////////////////////////////////////////////////////
                                DOCKING
    //////////////////////////////////////////////////////////////*/

    function test_dockToken_assignsSequentialIdsAndEmits() public {
        MockERC20 second = new MockERC20("Second", "TWO");
        MockERC20 third = new MockERC20("Third", "THREE");

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.TokenDocked(2, address(second));
        assertEq(_dock(address(second)), 2);
        assertEq(_dock(address(third)), 3);

        assertEq(tokenId, 1);
        assertEq(bridge.tokenCount(), 4);
        assertEq(bridge.tokenAddress(1), address(token));
        assertEq(bridge.tokenAddress(2), address(second));
        assertEq(bridge.tokenAddress(3), address(third));
        assertEq(bridge.tokenIdOf(address(token)), 1);
        assertEq(bridge.tokenIdOf(address(second)), 2);
        assertEq(bridge.tokenIdOf(address(third)), 3);
        assertEq(bridge.tokenIdOf(alice), 0);
    }

    function test_dockToken_revertsWhenAlreadyDocked() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenAlreadyDocked.selector, address(token), 1));
        bridge.dockToken(address(token));
    }

    function test_dockToken_revertsForZeroAddress() public {
        vm.prank(governor);
        vm.expectRevert(IAssetStorage.TokenIsZeroAddress.selector);
        bridge.dockToken(address(0));
    }

    function test_dockToken_revertsForAccountWithoutCode() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.TokenHasNoCode.selector, alice));
        bridge.dockToken(alice);
    }

    function testFuzz_dockToken_revertsWhenNotGovernor(address caller) public {
        vm.assume(caller != governor);
        MockERC20 second = new MockERC20("Second", "TWO");
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        bridge.dockToken(address(second));
    }

    function test_dockToken_revertsInExodus() public {
        _enterExodus();
        MockERC20 second = new MockERC20("Second", "TWO");
        vm.prank(governor);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.dockToken(address(second));
    }

    /*//////////////////////////////////////////////////////////////
                              CAPS, PAUSES
    //////////////////////////////////////////////////////////////*/

    function test_setDepositCap_setsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.DepositCapSet(tokenId, 500);
        vm.prank(governor);
        bridge.setDepositCap(tokenId, 500);
        assertEq(bridge.depositCap(tokenId), 500);

        vm.prank(governor);
        bridge.setDepositCap(ETH, 1 ether);
        assertEq(bridge.depositCap(ETH), 1 ether);

        vm.prank(governor);
        bridge.setDepositCap(tokenId, 0);
        assertEq(bridge.depositCap(tokenId), 0);
    }

    function test_setDepositCap_revertsForUnknownToken() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.UnknownToken.selector, uint32(2)));
        bridge.setDepositCap(2, 1);
    }

    function test_setDepositCap_revertsWhenNotGovernor() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        bridge.setDepositCap(tokenId, 1);
    }

    function test_setDepositCap_revertsInExodus() public {
        _enterExodus();
        vm.prank(governor);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.setDepositCap(tokenId, 1);
    }

    function test_setTokenPaused_setsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.TokenPauseSet(ETH, true);
        vm.prank(governor);
        bridge.setTokenPaused(ETH, true);
        assertTrue(bridge.tokenPaused(ETH));
        assertFalse(bridge.tokenPaused(tokenId));

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.TokenPauseSet(ETH, false);
        vm.prank(governor);
        bridge.setTokenPaused(ETH, false);
        assertFalse(bridge.tokenPaused(ETH));
    }

    function test_setTokenPaused_revertsForUnknownToken() public {
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.UnknownToken.selector, uint32(7)));
        bridge.setTokenPaused(7, true);
    }

    function test_setTokenPaused_revertsWhenNotGovernor() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        bridge.setTokenPaused(tokenId, true);
    }

    function test_setTokenPaused_revertsInExodus() public {
        _enterExodus();
        vm.prank(governor);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.setTokenPaused(tokenId, true);
    }

    /*//////////////////////////////////////////////////////////////
                               OWNERSHIP
    //////////////////////////////////////////////////////////////*/

    function test_ownership_isTwoStep() public {
        vm.prank(governor);
        bridge.transferOwnership(alice);
        assertEq(bridge.owner(), governor);
        assertEq(bridge.pendingOwner(), alice);

        // Not yet the owner.
        MockERC20 a = new MockERC20("A", "A");
        MockERC20 g = new MockERC20("G", "G");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        bridge.dockToken(address(a));

        // Only the pending owner accepts.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        bridge.acceptOwnership();

        vm.prank(alice);
        bridge.acceptOwnership();
        assertEq(bridge.owner(), alice);

        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, governor));
        bridge.dockToken(address(g));
    }

    function test_renounceOwnership_isDisabled() public {
        vm.prank(governor);
        vm.expectRevert(IAssetStorage.RenounceOwnershipDisabled.selector);
        bridge.renounceOwnership();
        assertEq(bridge.owner(), governor);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        bridge.renounceOwnership();
    }
}
