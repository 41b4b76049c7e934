// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";

/// @notice Issue 17 on L1 (docs/protocol.md sections 2, 5, 8 and 10): forced withdrawal requests share the
///         priority queue with deposits and must be served in order, for their owner and token; no governor
///         setting refuses them or stops their deadline; the supply bound keeps every deposit creditable;
///         the posted op data must be exactly what the attested keccak head fixes.
contract AssetStorageForcedTest is AssetStorageBase {
    uint256 internal constant ROOT_1 = 0x1111;
    uint256 internal constant CHAIN_1 = 0x2222;

    /*//////////////////////////////////////////////////////////////
                          REQUESTING ON L1
    //////////////////////////////////////////////////////////////*/

    function test_requestWithdrawal_queuesFullHashAndTimestampAndEmits() public {
        _depositETH(bob, bob, 1 ether); // id 0: the counter is shared with deposits
        vm.warp(START_TIME + 7);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalRequestQueued(1, alice, tokenId, START_TIME + 7);
        vm.prank(alice);
        uint64 id = bridge.requestWithdrawal(tokenId);

        assertEq(id, 1);
        assertEq(bridge.depositCount(), 2);
        assertEq(bridge.requestHashes(1), _expectedRequestHash(alice, tokenId, START_TIME + 7));
        assertEq(bridge.requestTimestamp(0), START_TIME);
        assertEq(bridge.requestTimestamp(1), START_TIME + 7);
        assertEq(bridge.tokenSupply(tokenId), 0, "a request moves nothing on L1");
    }

    function test_requestWithdrawal_timestampsPackFourPerWord() public {
        for (uint64 i = 0; i < 9; i++) {
            vm.warp(START_TIME + 1000 * i + 1);
            vm.prank(alice);
            bridge.requestWithdrawal(ETH);
        }
        for (uint64 i = 0; i < 9; i++) {
            assertEq(bridge.requestTimestamp(i), START_TIME + 1000 * i + 1);
        }
        assertEq(bridge.requestTimestamp(9), 0);
    }

    function test_requestWithdrawal_worksWhilePausedAndCapped() public {
        vm.startPrank(governor);
        bridge.setTokenPaused(ETH, true);
        bridge.setTokenPaused(tokenId, true);
        bridge.setDepositCap(tokenId, 1);
        vm.stopPrank();
        vm.prank(alice);
        bridge.requestWithdrawal(ETH);
        vm.prank(alice);
        assertEq(bridge.requestWithdrawal(tokenId), 1);
    }

    function test_requestWithdrawal_revertsOnUnknownToken() public {
        uint32 unknown = bridge.tokenCount();
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.UnknownToken.selector, unknown));
        vm.prank(alice);
        bridge.requestWithdrawal(unknown);
    }

    function test_requestWithdrawal_revertsInExodus() public {
        _enterExodus();
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        vm.prank(alice);
        bridge.requestWithdrawal(ETH);
    }

    /*//////////////////////////////////////////////////////////////
                       NO GOVERNOR CAN FREEZE FUNDS
    //////////////////////////////////////////////////////////////*/

    /// @dev The governor pauses every token while the queue is empty: deposits stop, but a user's forced
    ///      withdrawal request still opens exodus once its deadline passes unserved.
    function test_exodus_opensFromUnservedRequestWithEveryTokenPausedAndEmptyQueue() public {
        vm.startPrank(governor);
        for (uint32 t = 0; t < bridge.tokenCount(); t++) {
            bridge.setTokenPaused(t, true);
        }
        vm.stopPrank();
        vm.expectRevert(IAssetStorage.NoPendingDeposit.selector);
        bridge.activateExodus();

        vm.warp(START_TIME + 5);
        vm.prank(alice);
        bridge.requestWithdrawal(tokenId);
        vm.warp(START_TIME + 5 + DEADLINE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAssetStorage.PriorityDeadlineNotReached.selector, 0, START_TIME + 5 + DEADLINE
            )
        );
        bridge.activateExodus();

        vm.warp(START_TIME + 5 + DEADLINE);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.ExodusActivated(0, START_TIME + 5);
        vm.prank(stranger);
        bridge.activateExodus();
        assertTrue(bridge.exodusMode());
    }

    function test_exodus_servedRequestNoLongerCounts() public {
        (, IAssetStorage.BatchSlot memory slot) = _request(alice, ETH, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = slot;
        _submit(ROOT_1, CHAIN_1, slots);
        vm.warp(START_TIME + DEADLINE);
        vm.expectRevert(IAssetStorage.NoPendingDeposit.selector);
        bridge.activateExodus();
    }

    function test_cancelDeposit_refusesForcedRequestId() public {
        (uint64 id, IAssetStorage.BatchSlot memory slot) = _request(alice, ETH, 0);
        vm.warp(START_TIME + DEADLINE);
        bridge.activateExodus();
        // The closest a deposit record can come to the request: the same fields, amount 0.
        BridgeProtocol.DepositRecord memory rec = _record(alice, ETH, 0, address(0));
        rec.timestamp = slot.timestamp;
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, id));
        bridge.cancelDeposit(id, rec);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);
    }

    /*//////////////////////////////////////////////////////////////
                          SERVING IN A BATCH
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_servesForcedWithdrawalAndPays() public {
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, alice, 5 ether);
        (, IAssetStorage.BatchSlot memory forced) = _request(alice, ETH, 5 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d0);
        slots[1] = forced;
        uint256[] memory inputs = _expectedInputs(genesisRoot, ROOT_1, 0, CHAIN_1, slots);
        assertEq(inputs[6], 4 + (uint256(uint160(alice)) << 35), "a = 4 + (tokenId << 3) + (owner << 35)");
        assertEq(inputs[7], 5 ether);
        mockVerifier.acceptOnly(_expectedVerifierCalldata(proof, inputs));

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(0, ROOT_1, CHAIN_1, 2);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchOps(0, 0, _nextOps(bridge));
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalQueued(0, alice, ETH, 5 ether);
        _submit(ROOT_1, CHAIN_1, slots);

        assertEq(bridge.processedDeposits(), 2);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 5 ether);
        assertEq(bridge.tokenSupply(ETH), 0);
        vm.prank(alice);
        bridge.claim(ETH);
        assertEq(alice.balance, 5 ether);
    }

    /// @dev A request by an account with no L2 balance is served as a zero withdrawal: no pending
    ///      withdrawal, no WithdrawalQueued event.
    function test_submitBatch_servesZeroForcedWithdrawal() public {
        (, IAssetStorage.BatchSlot memory forced) = _request(carol, tokenId, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = forced;
        vm.recordLogs();
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.processedDeposits(), 1);
        assertEq(bridge.pendingWithdrawals(carol, tokenId), 0);
        assertEq(vm.getRecordedLogs().length, 2, "BatchVerified and BatchOps only");
    }

    function test_submitBatch_revertsWhenRequestSkipped() public {
        _request(alice, ETH, 0); // id 0, left out
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(bob, bob, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d1);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
    }

    function test_submitBatch_revertsWhenRequestsReordered() public {
        (, IAssetStorage.BatchSlot memory r0) = _request(alice, ETH, 0);
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(bob, bob, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d1);
        slots[1] = r0;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
        (, IAssetStorage.BatchSlot memory r2) = _request(bob, ETH, 0);
        slots[0] = r2;
        slots[1] = r0;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
    }

    function test_submitBatch_revertsWhenServedForAnotherOwnerOrToken() public {
        (, IAssetStorage.BatchSlot memory r0) = _request(alice, tokenId, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = r0;
        slots[0].account = bob;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
        slots[0] = r0;
        slots[0].tokenId = ETH;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
    }

    function test_submitBatch_revertsOnForcedSlotWithDepositor() public {
        (, IAssetStorage.BatchSlot memory r0) = _request(alice, ETH, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = r0;
        slots[0].depositor = alice;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.NonZeroSlotField.selector, 0));
    }

    function test_submitBatch_revertsOnForcedSlotNotQueued() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _forcedSlot(alice, ETH, START_TIME, 0);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, 0));
    }

    /// @dev The whole 256-bit hash is kept: changing any single field of the record (by any amount,
    ///      including only in bits a 192-bit prefix would ignore) makes the slot mismatch.
    function testFuzz_submitBatch_everyRequestFieldMatters(uint8 field, uint256 value) public {
        (, IAssetStorage.BatchSlot memory r0) = _request(alice, tokenId, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = r0;
        field = uint8(bound(field, 0, 2));
        if (field == 0) {
            slots[0].account = address(uint160(bound(value, 1, type(uint160).max)) ^ uint160(alice));
        } else if (field == 1) {
            slots[0].tokenId = uint32(bound(value, 1, type(uint32).max)) ^ tokenId;
        } else {
            slots[0].timestamp = uint64(bound(value, 1, type(uint64).max)) ^ r0.timestamp;
        }
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
    }

    /// @dev A deposit slot can never consume a forced request (and a forced slot never a deposit): the
    ///      preimages have different lengths.
    function test_submitBatch_kindsCannotBeSwapped() public {
        (, IAssetStorage.BatchSlot memory r0) = _request(alice, ETH, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = r0;
        slots[0].kind = 1;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 0));
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(bob, bob, 1);
        slots[0] = _forcedSlot(alice, ETH, r0.timestamp, 0); // r0 itself was changed above (memory alias)
        slots[1] = _creditSlot(d1);
        slots[1].kind = 4;
        slots[1].depositor = address(0);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, 1));
    }

    /*//////////////////////////////////////////////////////////////
                              SUPPLY BOUND
    //////////////////////////////////////////////////////////////*/

    /// @dev Two deposits of 2^127 to one recipient: L2 could not credit the second, so L1 refuses it; a later
    ///      normal deposit still goes through and a batch consumes it (the queue is not stalled).
    function test_deposit_supplyBoundRefusesUncreditableDepositAndQueueFlows() public {
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, bob, 2 ** 127);
        vm.deal(carol, 2 ** 127);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.TokenSupplyExceeded.selector, ETH, 2 ** 127, 2 ** 127)
        );
        vm.prank(carol);
        bridge.depositETH{value: 2 ** 127}(bob);
        assertEq(carol.balance, 2 ** 127, "the depositor still holds the funds");

        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(carol, carol, 1 ether);
        assertEq(bridge.tokenSupply(ETH), 2 ** 127 + 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d0);
        slots[1] = _creditSlot(d1);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.processedDeposits(), 2);
    }

    function test_deposit_supplyBoundAcceptsExactlyTheMaximum() public {
        _depositToken(alice, alice, type(uint128).max - 1);
        _depositToken(alice, bob, 1);
        assertEq(bridge.tokenSupply(tokenId), type(uint128).max);
        token.mint(alice, 1);
        vm.startPrank(alice);
        token.approve(address(bridge), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.TokenSupplyExceeded.selector, tokenId, type(uint128).max, 1)
        );
        bridge.depositERC20(address(token), 1, alice);
        vm.stopPrank();
    }

    function test_submitBatch_withdrawalsFreeSupply() public {
        _depositETH(alice, alice, type(uint128).max);
        (, IAssetStorage.BatchSlot memory forced) = _request(carol, ETH, 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(_record(alice, ETH, type(uint128).max, alice));
        slots[1] = forced;
        slots[1].amount = 5;
        slots[2] = _withdrawSlot(ETH, bob, 6);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.tokenSupply(ETH), type(uint128).max - 11);
        _depositETH(alice, alice, 11);
        assertEq(bridge.tokenSupply(ETH), type(uint128).max);
    }

    /*//////////////////////////////////////////////////////////////
                           OP DATA ON L1
    //////////////////////////////////////////////////////////////*/

    /// @dev Three ops, attested by count and head; the tampered data is checked against that attestation.
    function _threeOps() internal pure returns (bytes memory) {
        return bytes.concat(
            _opRecord(1, 0, address(0), address(0xA11CE), 5),
            _opRecord(2, 1, address(0xA11CE), address(0xB0B), 2),
            _opRecord(4, 0, address(0xA11CE), address(0xA11CE), 3)
        );
    }

    function _submitTampered(bytes memory ops, bytes memory expectedError) internal {
        bytes memory honest = _threeOps();
        bytes32 head = _foldOps(bytes32(0), honest);
        bytes memory sigs = _attest(_batchDigest(bridge, 0, CHAIN_1, 3, head));
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        vm.expectRevert(expectedError);
        bridge.submitBatch(ROOT_1, CHAIN_1, 3, head, slots, ops, proof, sigs);
    }

    function test_submitBatch_opData_honestIsAcceptedAndEmitted() public {
        bytes memory ops = _threeOps();
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchOps(0, 0, ops);
        _submitOps(bridge, ROOT_1, CHAIN_1, _noops(PUBLIC), ops, proof);
        assertEq(bridge.l2OpHead(), _foldOps(bytes32(0), ops));
        // the next batch starts from the stored head and count
        bytes memory more = _opRecord(3, 0, address(0xA11CE), address(0xCA401), 1);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchOps(1, 3, more);
        _submitOps(bridge, ROOT_1, CHAIN_1, _noops(PUBLIC), more, proof);
        assertEq(bridge.l2OpCount(), 4);
    }

    function testFuzz_submitBatch_opData_oneByteChangedReverts(uint256 at, uint8 flip) public {
        bytes memory ops = _threeOps();
        at = bound(at, 0, ops.length - 1);
        ops[at] = ops[at] ^ bytes1(uint8(bound(flip, 1, 255)));
        _submitTampered(
            ops,
            abi.encodeWithSelector(
                IAssetStorage.OpDataHeadMismatch.selector,
                _foldOps(bytes32(0), ops),
                _foldOps(bytes32(0), _threeOps())
            )
        );
    }

    function test_submitBatch_opData_opDroppedReverts() public {
        bytes memory honest = _threeOps();
        bytes memory dropped = new bytes(2 * OP_BYTES);
        for (uint256 i = 0; i < dropped.length; i++) {
            dropped[i] = honest[i < OP_BYTES ? i : i + OP_BYTES]; // the middle op left out
        }
        _submitTampered(
            dropped,
            abi.encodeWithSelector(IAssetStorage.OpDataLengthMismatch.selector, 3 * OP_BYTES, 2 * OP_BYTES)
        );
    }

    function test_submitBatch_opData_opAddedReverts() public {
        bytes memory added = bytes.concat(_threeOps(), _fillerOp(3));
        _submitTampered(
            added,
            abi.encodeWithSelector(IAssetStorage.OpDataLengthMismatch.selector, 3 * OP_BYTES, 4 * OP_BYTES)
        );
    }

    /// @dev An op swapped for another of the same length: the length passes, the head does not.
    function test_submitBatch_opData_opReplacedReverts() public {
        bytes memory honest = _threeOps();
        bytes memory replaced = bytes.concat(_fillerOp(0), _fillerOp(1), _fillerOp(2));
        assertEq(replaced.length, honest.length);
        _submitTampered(
            replaced,
            abi.encodeWithSelector(
                IAssetStorage.OpDataHeadMismatch.selector,
                _foldOps(bytes32(0), replaced),
                _foldOps(bytes32(0), honest)
            )
        );
    }

    function testFuzz_submitBatch_opData_wrongLengthReverts(uint256 len) public {
        len = bound(len, 0, 4 * OP_BYTES);
        vm.assume(len != 3 * OP_BYTES);
        _submitTampered(
            new bytes(len),
            abi.encodeWithSelector(IAssetStorage.OpDataLengthMismatch.selector, 3 * OP_BYTES, len)
        );
    }

    /// @dev BridgeProtocol.foldOps against the byte-by-byte fold of this base, on random records.
    function testFuzz_foldOps_matchesReference(bytes32 head, bytes32 seed, uint8 n) public view {
        n = uint8(bound(n, 0, 8));
        bytes memory ops;
        for (uint256 i = 0; i < n; i++) {
            bytes32 r = keccak256(abi.encode(seed, i));
            ops = bytes.concat(ops, bytes32(r), bytes29(keccak256(abi.encode(r))));
        }
        assertEq(ops.length, n * OP_BYTES);
        assertEq(this.fold(head, ops), _foldOps(head, ops));
    }

    /// @notice BridgeProtocol.foldOps on calldata.
    function fold(bytes32 head, bytes calldata ops) external pure returns (bytes32) {
        return BridgeProtocol.foldOps(head, ops);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _expectSubmitRevert(IAssetStorage.BatchSlot[] memory slots, bytes memory err) internal {
        bytes memory ops = _nextOps(bridge);
        uint64 count = _nextCount(bridge);
        bytes32 head = _nextHead(bridge);
        bytes memory sigs = _attested(bridge, CHAIN_1);
        vm.expectRevert(err);
        bridge.submitBatch(ROOT_1, CHAIN_1, count, head, slots, ops, proof, sigs);
    }
}
