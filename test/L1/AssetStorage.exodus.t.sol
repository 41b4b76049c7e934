// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @notice activateExodus, exit and cancelDeposit (docs/protocol.md section 10).
contract AssetStorageExodusTest is AssetStorageBase {
    /*//////////////////////////////////////////////////////////////
                             ACTIVATE EXODUS
    //////////////////////////////////////////////////////////////*/

    function test_activateExodus_revertsWithoutDeposits() public {
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(IAssetStorage.NoPendingDeposit.selector);
        bridge.activateExodus();
    }

    function test_activateExodus_revertsWhenEveryDepositWasProcessed() public {
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, 1);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        _submit(1, 1, slots);
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(IAssetStorage.NoPendingDeposit.selector);
        bridge.activateExodus();
    }

    function test_activateExodus_revertsBeforeDeadline() public {
        _depositETH(alice, bob, 1);
        vm.warp(START_TIME + DEADLINE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssetStorage.PriorityDeadlineNotReached.selector, 0, START_TIME + DEADLINE
            )
        );
        bridge.activateExodus();
    }

    function testFuzz_activateExodus_anyoneAtOrAfterDeadline(address caller, uint256 delay) public {
        delay = bound(delay, DEADLINE, 100 * 365 days);
        _depositETH(alice, bob, 1);
        vm.warp(START_TIME + delay);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.ExodusActivated(0, START_TIME);
        vm.prank(caller);
        bridge.activateExodus();
        assertTrue(bridge.exodusMode());
    }

    function test_activateExodus_countsFromOldestUnprocessedDeposit() public {
        (, BridgeProtocol.DepositRecord memory first) = _depositETH(alice, bob, 1);
        vm.warp(START_TIME + 1 days);
        _depositETH(alice, bob, 2); // deposit 1, queued at START_TIME + 1 days
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(first);
        _submit(1, 1, slots);

        vm.warp(START_TIME + DEADLINE); // deposit 0 would be late, but it was processed
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssetStorage.PriorityDeadlineNotReached.selector, 1, START_TIME + 1 days + DEADLINE
            )
        );
        bridge.activateExodus();

        vm.warp(START_TIME + 1 days + DEADLINE);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.ExodusActivated(1, START_TIME + 1 days);
        bridge.activateExodus();
    }

    function test_activateExodus_isPermanent() public {
        _enterExodus();
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.activateExodus();
        assertTrue(bridge.exodusMode());
    }

    function test_exodus_freezesQueueAndState() public {
        _submit(5, 6, _noops(PUBLIC));
        _enterExodus();
        vm.deal(alice, 1);
        vm.prank(alice);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        bridge.depositETH{value: 1}(bob);
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        _submitTo(bridge, 7, 8, _noops(PUBLIC), proof);
        assertEq(bridge.stateRoot(), 5);
        assertEq(bridge.opChain(), 6);
        assertEq(bridge.batchCount(), 1);
        assertEq(bridge.depositCount(), 1);
    }

    /*//////////////////////////////////////////////////////////////
                                  EXIT
    //////////////////////////////////////////////////////////////*/

    /// @dev A proven depth-16 state with three slots: alice/ETH (0), bob/token (1) and carol/ETH (5).
    struct Tree {
        uint256[] slots;
        uint256[] leaves;
        address[] owners;
        uint32[] tokens;
        uint128[] balances;
        uint256 root;
    }

    function _provenTree() private returns (Tree memory t) {
        t.slots = new uint256[](3);
        t.leaves = new uint256[](3);
        t.owners = new address[](3);
        t.tokens = new uint32[](3);
        t.balances = new uint128[](3);
        (t.slots[0], t.owners[0], t.tokens[0], t.balances[0]) = (0, alice, ETH, 2 ether);
        (t.slots[1], t.owners[1], t.tokens[1], t.balances[1]) = (1, bob, tokenId, 300);
        (t.slots[2], t.owners[2], t.tokens[2], t.balances[2]) = (5, carol, ETH, 1 ether);
        for (uint256 i = 0; i < 3; i++) {
            t.leaves[i] = PoseidonTree.leaf(t.owners[i], t.tokens[i], t.balances[i]);
        }
        t.root = PoseidonTree.rootOf(DEPTH, t.slots, t.leaves);

        // Lock the funds, credit them in one batch whose new root is the tree.
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, alice, 2 ether);
        (, BridgeProtocol.DepositRecord memory d1) = _depositToken(bob, bob, 300);
        (, BridgeProtocol.DepositRecord memory d2) = _depositETH(carol, carol, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d0);
        slots[1] = _creditSlot(d1);
        slots[2] = _creditSlot(d2);
        _submit(t.root, 42, slots);
        assertEq(bridge.stateRoot(), t.root);
    }

    function _siblings(Tree memory t, uint256 slot) private pure returns (uint256[] memory siblings) {
        (, siblings) = PoseidonTree.build(DEPTH, t.slots, t.leaves, slot);
    }

    function test_exit_creditsOwnerOncePerSlot() public {
        Tree memory t = _provenTree();
        _enterExodus();

        uint256[] memory path = _siblings(t, 5);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.Exited(5, carol, ETH, 1 ether);
        vm.prank(stranger); // anyone may exit for the owner
        bridge.exit(5, carol, ETH, 1 ether, path);
        assertTrue(bridge.slotExited(5));
        assertEq(bridge.pendingWithdrawals(carol, ETH), 1 ether);

        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotAlreadyExited.selector, 5));
        bridge.exit(5, carol, ETH, 1 ether, path);
        assertEq(bridge.pendingWithdrawals(carol, ETH), 1 ether);

        vm.prank(carol);
        bridge.claim(ETH);
        assertEq(carol.balance, 1 ether);
    }

    function test_exit_everySlotOfTheTree() public {
        Tree memory t = _provenTree();
        _enterExodus();
        for (uint256 i = 0; i < 3; i++) {
            bridge.exit(t.slots[i], t.owners[i], t.tokens[i], t.balances[i], _siblings(t, t.slots[i]));
            assertEq(bridge.pendingWithdrawals(t.owners[i], t.tokens[i]), t.balances[i]);
        }
        vm.prank(bob);
        bridge.claim(tokenId);
        assertEq(token.balanceOf(bob), 300);
    }

    function test_exit_revertsBeforeExodus() public {
        Tree memory t = _provenTree();
        uint256[] memory path = _siblings(t, 5);
        vm.expectRevert(IAssetStorage.ExodusNotActive.selector);
        bridge.exit(5, carol, ETH, 1 ether, path);
    }

    function test_exit_revertsOnWrongPath() public {
        Tree memory t = _provenTree();
        _enterExodus();
        uint256[] memory path = _siblings(t, 5);
        assertEq(path.length, 3 * DEPTH / 2);
        for (uint256 i = 0; i < path.length; i++) {
            uint256 saved = path[i];
            path[i] = saved + 1;
            vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
            bridge.exit(5, carol, ETH, 1 ether, path);
            path[i] = saved;
        }
        bridge.exit(5, carol, ETH, 1 ether, path);
    }

    /// @dev Slot 5's digits are (1, 1, 0, ..., 0); any other position at any level is another slot whose
    ///      leaf is not carol's, so the same leaf and siblings do not fold to the root.
    function test_exit_revertsOnWrongPositionDigit() public {
        Tree memory t = _provenTree();
        _enterExodus();
        uint256[] memory path = _siblings(t, 5);
        for (uint256 level = 0; level < DEPTH / 2; level++) {
            for (uint256 d = 1; d < 4; d++) {
                uint256 other = 5 ^ (d << (2 * level));
                vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
                bridge.exit(other, carol, ETH, 1 ether, path);
            }
        }
        bridge.exit(5, carol, ETH, 1 ether, path);
    }

    /// @dev The 3 siblings of a level are in ascending position order: swapping two is another path.
    function test_exit_revertsOnSiblingsOutOfOrder() public {
        Tree memory t = _provenTree();
        _enterExodus();
        uint256[] memory path = _siblings(t, 5);
        // Level 0 of slot 5 (digit 1) has the empty slots 4, 6 and 7 as siblings (all 0), so swap at level 1
        // (digit 1): the node over slots 0..3 (alice, bob) and the first of two empty subtrees.
        assertNotEq(path[3], path[4]);
        (path[3], path[4]) = (path[4], path[3]);
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(5, carol, ETH, 1 ether, path);
        (path[3], path[4]) = (path[4], path[3]);
        bridge.exit(5, carol, ETH, 1 ether, path);
    }

    function test_exit_revertsOnWrongLeaf() public {
        Tree memory t = _provenTree();
        _enterExodus();
        uint256[] memory path = _siblings(t, 5);
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(5, carol, ETH, 1 ether + 1, path); // balance
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(5, alice, ETH, 1 ether, path); // owner
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(5, carol, tokenId, 1 ether, path); // token
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(4, carol, ETH, 1 ether, path); // slot (the path bits)
        assertFalse(bridge.slotExited(5));
    }

    function test_exit_revertsForEmptySlot() public {
        Tree memory t = _provenTree();
        _enterExodus();
        // Slot 2 is empty (leaf 0); no owner/token/balance hashes to 0.
        uint256[] memory path = _siblings(t, 2);
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(2, alice, ETH, 0, path);
    }

    function test_exit_againstGenesisRootFails() public {
        _enterExodus();
        uint256[] memory zeros = PoseidonTree.zeros(DEPTH);
        uint256[] memory path = new uint256[](3 * DEPTH / 2);
        for (uint256 i = 0; i < path.length; i++) {
            path[i] = zeros[i / 3];
        }
        vm.expectRevert(IAssetStorage.InvalidMerkleProof.selector);
        bridge.exit(0, alice, ETH, 1, path);
    }

    function test_exit_revertsWhenSiblingNotInField() public {
        Tree memory t = _provenTree();
        _enterExodus();
        uint256[] memory path = _siblings(t, 5);
        // PoseidonT5 reduces its inputs mod r: sibling + r would hash like sibling. It must be refused.
        uint256 saved = path[3];
        path[3] = saved + R;
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, saved + R));
        bridge.exit(5, carol, ETH, 1 ether, path);
        path[3] = saved;
        bridge.exit(5, carol, ETH, 1 ether, path);
    }

    function testFuzz_exit_revertsWhenSlotOutOfRange(uint256 slot) public {
        slot = bound(slot, 2 ** DEPTH, type(uint256).max);
        _enterExodus();
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotOutOfRange.selector, slot));
        bridge.exit(slot, alice, ETH, 1, new uint256[](3 * DEPTH / 2));
    }

    /// @dev The path is 3 siblings per 4-ary level: `3 * DEPTH / 2`; the binary tree's `DEPTH` is refused too.
    function testFuzz_exit_revertsOnWrongSiblingCount(uint8 count) public {
        vm.assume(count != 3 * DEPTH / 2);
        _enterExodus();
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.SiblingsLengthMismatch.selector, 3 * DEPTH / 2, count)
        );
        bridge.exit(0, alice, ETH, 1, new uint256[](count));
    }

    function test_exit_drainedSlotExitsWithZero() public {
        // A slot that was used and drained keeps Poseidon(owner, tokenId, 0).
        uint256[] memory slots = new uint256[](1);
        uint256[] memory leaves = new uint256[](1);
        slots[0] = 9;
        leaves[0] = PoseidonTree.leaf(alice, ETH, 0);
        (uint256 root, uint256[] memory path) = PoseidonTree.build(DEPTH, slots, leaves, 9);
        _submit(root, 1, _noops(PUBLIC));
        _enterExodus();
        bridge.exit(9, alice, ETH, 0, path);
        assertTrue(bridge.slotExited(9));
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);
    }

    function test_exit_worksAtSmallAndLargeDepth() public {
        uint8[2] memory depths = [uint8(2), uint8(32)];
        for (uint256 k = 0; k < 2; k++) {
            uint8 depth = depths[k];
            _deploy(address(mockVerifier), BATCH, depth, PoseidonTree.emptyRoot(depth));
            uint256 slot = depth == 2 ? 3 : 0xdeadbeef;
            uint256[] memory slots = new uint256[](1);
            uint256[] memory leaves = new uint256[](1);
            slots[0] = slot;
            leaves[0] = PoseidonTree.leaf(bob, ETH, 5);
            (uint256 root, uint256[] memory path) = PoseidonTree.build(depth, slots, leaves, slot);
            (, BridgeProtocol.DepositRecord memory rec) = _depositETH(bob, bob, 5);
            IAssetStorage.BatchSlot[] memory batch = _noops(PUBLIC);
            batch[0] = _creditSlot(rec);
            _submit(root, 1, batch);
            _enterExodus();
            bridge.exit(slot, bob, ETH, 5, path);
            assertEq(bridge.pendingWithdrawals(bob, ETH), 5);
        }
    }

    /*//////////////////////////////////////////////////////////////
                             CANCEL DEPOSIT
    //////////////////////////////////////////////////////////////*/

    function test_cancelDeposit_refundsDepositorOnce() public {
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositToken(alice, bob, 700);
        _enterExodus();

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.DepositCancelled(id, alice, tokenId, 700);
        vm.prank(stranger);
        bridge.cancelDeposit(id, rec);
        assertTrue(bridge.depositCancelled(id));
        assertEq(bridge.pendingWithdrawals(alice, tokenId), 700); // the depositor, not the L2 recipient
        assertEq(bridge.pendingWithdrawals(bob, tokenId), 0);

        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositAlreadyCancelled.selector, id));
        bridge.cancelDeposit(id, rec);
        assertEq(bridge.pendingWithdrawals(alice, tokenId), 700);

        vm.prank(alice);
        bridge.claim(tokenId);
        assertEq(token.balanceOf(alice), 700);
    }

    function test_cancelDeposit_revertsBeforeExodus() public {
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, 1);
        vm.expectRevert(IAssetStorage.ExodusNotActive.selector);
        bridge.cancelDeposit(id, rec);
    }

    function test_cancelDeposit_revertsForConsumedDeposit() public {
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, 1);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        _submit(1, 1, slots);
        _enterExodus();
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositAlreadyProcessed.selector, id));
        bridge.cancelDeposit(id, rec);
    }

    function test_cancelDeposit_revertsForUnqueuedDeposit() public {
        _enterExodus(); // deposit 0 exists
        BridgeProtocol.DepositRecord memory rec = _record(bob, ETH, 1, alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, uint64(1)));
        bridge.cancelDeposit(1, rec);
    }

    function testFuzz_cancelDeposit_revertsOnTamperedRecord(uint8 field, uint256 value) public {
        (uint64 id, BridgeProtocol.DepositRecord memory rec) = _depositToken(alice, bob, 700);
        _enterExodus();
        BridgeProtocol.DepositRecord memory bad = BridgeProtocol.DepositRecord(
            rec.recipient, rec.tokenId, rec.amount, rec.depositor, rec.timestamp
        );
        field = uint8(bound(field, 0, 4));
        if (field == 0) bad.recipient = address(uint160(value));
        else if (field == 1) bad.tokenId = uint32(value);
        else if (field == 2) bad.amount = uint128(value);
        else if (field == 3) bad.depositor = address(uint160(value));
        else bad.timestamp = uint64(value);
        vm.assume(keccak256(abi.encode(bad)) != keccak256(abi.encode(rec)));
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, id));
        bridge.cancelDeposit(id, bad);
    }

    function test_cancelDeposit_refundsEveryUnprocessedDepositButNotConsumedOnes() public {
        (, BridgeProtocol.DepositRecord memory r0) = _depositETH(alice, bob, 1 ether);
        (, BridgeProtocol.DepositRecord memory r1) = _depositETH(bob, bob, 2 ether);
        (, BridgeProtocol.DepositRecord memory r2) = _depositETH(carol, bob, 3 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(r0);
        _submit(1, 1, slots);
        vm.warp(block.timestamp + DEADLINE);
        bridge.activateExodus();

        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositAlreadyProcessed.selector, uint64(0)));
        bridge.cancelDeposit(0, r0);
        bridge.cancelDeposit(2, r2); // any order
        bridge.cancelDeposit(1, r1);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);
        assertEq(bridge.pendingWithdrawals(bob, ETH), 2 ether);
        assertEq(bridge.pendingWithdrawals(carol, ETH), 3 ether);
    }
}
