// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {MockBatchVerifier} from "./mocks/MockBatchVerifier.sol";

/// @notice submitBatch (docs/protocol.md section 8): access, sizes, field range, slot rules, the exact public
///         inputs handed to the verifier, the verifier's answers, state updates and replays.
contract AssetStorageBatchTest is AssetStorageBase {
    uint256 internal constant ROOT_1 = 0x1111;
    uint256 internal constant CHAIN_1 = 0x2222;
    uint256 internal constant ROOT_2 = 0x3333;
    uint256 internal constant CHAIN_2 = 0x4444;

    /*//////////////////////////////////////////////////////////////
                          HAPPY PATHS, INPUTS
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_noOps_updatesStateAndEmits() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        vm.expectCall(
            address(mockVerifier),
            _expectedVerifierCalldata(proof, _expectedInputs(genesisRoot, ROOT_1, 0, CHAIN_1, slots))
        );
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(0, ROOT_1, CHAIN_1, 0);
        _submit(ROOT_1, CHAIN_1, slots);

        assertEq(bridge.stateRoot(), ROOT_1);
        assertEq(bridge.opChain(), CHAIN_1);
        assertEq(bridge.batchCount(), 1);
        assertEq(bridge.processedDeposits(), 0);
    }

    function test_submitBatch_buildsExactPublicInputs() public {
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, bob, 7 ether);
        (, BridgeProtocol.DepositRecord memory d1) = _depositToken(carol, alice, 123_456);
        IAssetStorage.BatchSlot[] memory slots = new IAssetStorage.BatchSlot[](BATCH);
        slots[0] = _creditSlot(d0);
        slots[1] = _withdrawSlot(ETH, carol, 2 ether);
        slots[2] = _creditSlot(d1);
        // slots[3]: a transfer or no-op, all zero

        uint256[] memory inputs = _expectedInputs(genesisRoot, ROOT_1, 0, CHAIN_1, slots);
        // Written out once more by hand, for the record.
        assertEq(inputs.length, 12);
        assertEq(inputs[4], 1 + (uint256(uint160(bob)) << 35));
        assertEq(inputs[5], 7 ether);
        assertEq(inputs[6], 3 + (uint256(uint160(carol)) << 35));
        assertEq(inputs[7], 2 ether);
        assertEq(inputs[8], 1 + (uint256(tokenId) << 3) + (uint256(uint160(alice)) << 35));
        assertEq(inputs[9], 123_456);
        assertEq(inputs[10], 0);
        assertEq(inputs[11], 0);

        bytes memory data = _expectedVerifierCalldata(proof, inputs);
        assertEq(data.length, 4 + 32 * 20);
        mockVerifier.acceptOnly(data); // behave like a verifier bound to exactly this statement
        vm.expectCall(address(mockVerifier), data);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.processedDeposits(), 2);
    }

    function test_submitBatch_chainsOldRootAndOpChain() public {
        _submit(ROOT_1, CHAIN_1, _noops(PUBLIC));
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        vm.expectCall(
            address(mockVerifier),
            _expectedVerifierCalldata(proof, _expectedInputs(ROOT_1, ROOT_2, CHAIN_1, CHAIN_2, slots))
        );
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(1, ROOT_2, CHAIN_2, 0);
        _submit(ROOT_2, CHAIN_2, slots);
        assertEq(bridge.batchCount(), 2);
    }

    function test_submitBatch_consumesDepositsInQueueOrderAcrossBatches() public {
        BridgeProtocol.DepositRecord[] memory recs = new BridgeProtocol.DepositRecord[](5);
        for (uint256 i = 0; i < 5; i++) {
            (, recs[i]) = _depositETH(alice, bob, 1 + i);
        }
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(recs[0]);
        slots[1] = _creditSlot(recs[1]);
        slots[2] = _creditSlot(recs[2]);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(0, ROOT_1, CHAIN_1, 3);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.processedDeposits(), 3);

        slots = _noops(PUBLIC);
        slots[0] = _creditSlot(recs[3]);
        slots[1] = _creditSlot(recs[4]);
        _submit(ROOT_2, CHAIN_2, slots);
        assertEq(bridge.processedDeposits(), 5);
    }

    function test_submitBatch_creditsWithdrawalsAndEmits() public {
        _fund();
        _submit(ROOT_1, CHAIN_1, _noops(PUBLIC)); // batch 0
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 5);
        slots[1] = _withdrawSlot(tokenId, bob, 6);
        slots[2] = _withdrawSlot(ETH, alice, 7);
        slots[3] = _withdrawSlot(tokenId, alice, 8);

        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(1, ROOT_2, CHAIN_2, 0);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalQueued(1, alice, ETH, 5);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalQueued(1, bob, tokenId, 6);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalQueued(1, alice, ETH, 7);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.WithdrawalQueued(1, alice, tokenId, 8);
        _submit(ROOT_2, CHAIN_2, slots);

        assertEq(bridge.pendingWithdrawals(alice, ETH), 12);
        assertEq(bridge.pendingWithdrawals(bob, tokenId), 6);
        assertEq(bridge.pendingWithdrawals(alice, tokenId), 8);
        assertEq(bridge.pendingWithdrawals(bob, ETH), 0);
    }

    /// @dev The supply bound allows at most `2^128 - 1` of a token to be withdrawn in all, across slots.
    function test_submitBatch_withdrawsTheWholeSupplyAcrossSlots() public {
        _depositETH(stranger, stranger, type(uint128).max);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        for (uint256 i = 0; i < BATCH; i++) {
            slots[i] = _withdrawSlot(ETH, alice, type(uint128).max / 4 + (i == 0 ? 3 : 0));
        }
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.pendingWithdrawals(alice, ETH), type(uint128).max);
        assertEq(bridge.tokenSupply(ETH), 0);
    }

    /// @dev Withdrawing more than was ever deposited can only come from an unsound proof: L1 refuses it
    ///      (checked subtraction of the supply).
    function test_submitBatch_revertsWhenWithdrawalsExceedSupply() public {
        _depositETH(stranger, stranger, 10);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 6);
        slots[1] = _withdrawSlot(ETH, alice, 5);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _submit(ROOT_1, CHAIN_1, slots);
    }

    function test_submitBatch_acceptsFieldBoundaryValues() public {
        _submit(R - 1, R - 1, _noops(PUBLIC));
        assertEq(bridge.stateRoot(), R - 1);
        assertEq(bridge.opChain(), R - 1);
    }

    function testFuzz_submitBatch_publicInputsForAnyBatchSize(uint16 batchSize, uint256 seed) public {
        batchSize = uint16(bound(batchSize, 1, 40));
        MockBatchVerifier v = new MockBatchVerifier(batchSize);
        AssetStorage b = _deploy(address(v), batchSize, DEPTH, genesisRoot);
        _dock(address(token));

        IAssetStorage.BatchSlot[] memory slots = _noops(batchSize);
        uint256 k; // records are the L1-visible ops in order, zero records after them
        for (uint256 i = 0; i < batchSize; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (r % 3 == 0) {
                (, BridgeProtocol.DepositRecord memory rec) = _depositETH(
                    address(uint160(r >> 8)), address(uint160(r >> 16) | 1), uint128(uint96(r >> 128)) | 1
                );
                slots[k++] = _creditSlot(rec);
            } else if (r % 3 == 1) {
                slots[k++] = _withdrawSlot(
                    uint32(r >> 200) % 2, address(uint160(r >> 40) | 1), uint128(uint96(r >> 100)) | 1
                );
            }
        }
        _fund(); // queued behind the credited deposits: the supply covers the withdrawals
        uint256 newRoot = seed % R;
        uint256 newChain = uint256(keccak256(abi.encode(seed))) % R;
        bytes memory data =
            _expectedVerifierCalldata(proof, _expectedInputs(genesisRoot, newRoot, 0, newChain, slots));
        assertEq(data.length, 4 + 32 * (12 + 2 * uint256(batchSize)));
        v.acceptOnly(data);
        vm.expectCall(address(v), data);
        vm.prank(stranger);
        _submitTo(b, newRoot, newChain, slots, proof);
        assertEq(b.stateRoot(), newRoot);
    }

    /*//////////////////////////////////////////////////////////////
                         ACCESS, SIZE, FIELD
    //////////////////////////////////////////////////////////////*/

    /// @dev No role: the proof and the attestation are the authority, whoever carries them.
    function testFuzz_submitBatch_anyoneMaySubmitAnAttestedBatch(address caller) public {
        vm.prank(caller);
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(PUBLIC), proof);
        assertEq(bridge.batchCount(), 1);
        assertEq(bridge.l2OpCount(), 1);
        assertEq(bridge.l2OpHead(), _headAt(1));
    }

    function test_submitBatch_revertsInExodus() public {
        _enterExodus();
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.ExodusActive.selector);
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(PUBLIC), proof);
    }

    function testFuzz_submitBatch_revertsOnWrongSlotCount(uint256 count) public {
        count = bound(count, 0, 12);
        vm.assume(count != PUBLIC);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotCountMismatch.selector, PUBLIC, count));
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(count), proof);
    }

    /// @dev With K < N the batch carries K records, not N: N records (one per op slot) revert.
    function test_submitBatch_takesPublicSlotsRecords_notBatchSize() public {
        mockVerifier = new MockBatchVerifier(2);
        _deployK(address(mockVerifier), BATCH, 2, DEPTH, genesisRoot);
        assertEq(bridge.publicSlots(), 2);
        assertEq(bridge.batchSize(), BATCH);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotCountMismatch.selector, 2, BATCH));
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(BATCH), proof);
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(2), proof);
        assertEq(bridge.batchCount(), 1, "accepted: the mock takes exactly 4 + 2K inputs");
    }

    /// @dev L1-visible records come first: a withdrawal after an unused (zero) record is refused, so the
    ///      pairs L1 builds are the circuit's pairs in order (no gap the circuit would have to allow).
    function test_submitBatch_revertsOnRecordAfterZeroRecord() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[2] = _withdrawSlot(ETH, alice, 1);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotAfterEmptySlot.selector, 2));
        _submitTo(bridge, ROOT_1, CHAIN_1, slots, proof);
    }

    /// @dev The same with a deposit record after the gap (it would otherwise pass the queue check).
    function test_submitBatch_revertsOnDepositAfterZeroRecord() public {
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, alice, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[1] = _creditSlot(rec);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.SlotAfterEmptySlot.selector, 1));
        _submitTo(bridge, ROOT_1, CHAIN_1, slots, proof);
    }

    function test_submitBatch_revertsWhenNewRootIsFieldOrder() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, R));
        _submitTo(bridge, R, CHAIN_1, _noops(PUBLIC), proof);
    }

    function test_submitBatch_revertsWhenNewOpChainIsFieldOrder() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, R));
        _submitTo(bridge, ROOT_1, R, _noops(PUBLIC), proof);
    }

    function testFuzz_submitBatch_revertsWhenNewRootNotInField(uint256 newRoot) public {
        newRoot = bound(newRoot, R, type(uint256).max);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, newRoot));
        _submitTo(bridge, newRoot, CHAIN_1, _noops(PUBLIC), proof);
    }

    function testFuzz_submitBatch_revertsWhenNewOpChainNotInField(uint256 newChain) public {
        newChain = bound(newChain, R, type(uint256).max);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, newChain));
        _submitTo(bridge, ROOT_1, newChain, _noops(PUBLIC), proof);
    }

    function testFuzz_submitBatch_acceptsEveryFieldElement(uint256 newRoot, uint256 newChain) public {
        newRoot = bound(newRoot, 0, R - 1);
        newChain = bound(newChain, 0, R - 1);
        _submit(newRoot, newChain, _noops(PUBLIC));
        assertEq(bridge.stateRoot(), newRoot);
        assertEq(bridge.opChain(), newChain);
    }

    /*//////////////////////////////////////////////////////////////
                              DEPOSIT SLOTS
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_revertsWhenDepositSlotSkipsTheQueue() public {
        _depositETH(alice, bob, 1);
        (, BridgeProtocol.DepositRecord memory second) = _depositETH(alice, bob, 2);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(second); // deposit 1 where deposit 0 is due
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(0))
        );
    }

    function test_submitBatch_revertsWhenDepositsAreSwapped() public {
        (, BridgeProtocol.DepositRecord memory first) = _depositETH(alice, bob, 1);
        (, BridgeProtocol.DepositRecord memory second) = _depositETH(alice, bob, 2);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(second);
        slots[1] = _creditSlot(first);
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(0))
        );
    }

    function test_submitBatch_revertsWhenDepositRepeatedInBatch() public {
        (, BridgeProtocol.DepositRecord memory first) = _depositETH(alice, bob, 1);
        _depositETH(alice, bob, 2);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(first);
        slots[1] = _creditSlot(first); // deposit 0 again where deposit 1 is due
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(1))
        );
    }

    function test_submitBatch_identicalRecordsConsumeDistinctDeposits() public {
        // Two deposits with the same fields in the same block have the same record: each slot consumes the
        // next one, and a third copy has nothing left to match.
        (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, 1);
        _depositETH(alice, bob, 1);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        slots[1] = _creditSlot(rec);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.processedDeposits(), 2);

        slots = _noops(PUBLIC);
        slots[0] = _creditSlot(rec);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, uint64(2)));
    }

    function test_submitBatch_revertsWhenDepositNotQueued() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(_record(bob, ETH, 1, alice)); // never deposited
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, uint64(0)));
    }

    function test_submitBatch_revertsWhenMoreDepositSlotsThanQueued() public {
        (, BridgeProtocol.DepositRecord memory first) = _depositETH(alice, bob, 1);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(first);
        slots[1] = _creditSlot(_record(bob, ETH, 2, alice));
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, uint64(1)));
    }

    function testFuzz_submitBatch_revertsOnTamperedDepositRecord(uint8 field, uint256 value) public {
        (, BridgeProtocol.DepositRecord memory rec) = _depositToken(alice, bob, 1000);
        IAssetStorage.BatchSlot memory slot = _creditSlot(rec);
        field = uint8(bound(field, 0, 4));
        if (field == 0) {
            slot.account = address(uint160(value));
            vm.assume(slot.account != rec.recipient);
        } else if (field == 1) {
            slot.tokenId = uint32(value);
            vm.assume(slot.tokenId != rec.tokenId);
        } else if (field == 2) {
            slot.amount = uint128(value);
            vm.assume(slot.amount != rec.amount);
        } else if (field == 3) {
            slot.depositor = address(uint160(value));
            vm.assume(slot.depositor != rec.depositor);
        } else {
            slot.timestamp = uint64(value);
            vm.assume(slot.timestamp != rec.timestamp);
        }
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = slot;
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(0))
        );
    }

    function testFuzz_submitBatch_revertsWhenDepositSlotOutOfQueueOrder(uint8 queued, uint8 pick) public {
        queued = uint8(bound(queued, 2, 8));
        pick = uint8(bound(pick, 1, queued - 1));
        BridgeProtocol.DepositRecord memory picked;
        for (uint256 i = 0; i < queued; i++) {
            (, BridgeProtocol.DepositRecord memory rec) = _depositETH(alice, bob, 100 + i);
            if (i == pick) picked = rec;
        }
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(picked);
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(0))
        );
    }

    /*//////////////////////////////////////////////////////////////
                            WITHDRAWAL SLOTS
    //////////////////////////////////////////////////////////////*/

    function testFuzz_submitBatch_revertsOnWithdrawalOfUndockedToken(uint32 badToken) public {
        badToken = uint32(bound(badToken, bridge.tokenCount(), type(uint32).max));
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 1);
        slots[1] = _withdrawSlot(badToken, alice, 1);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.UnknownToken.selector, badToken));
    }

    function test_submitBatch_acceptsWithdrawalOfLastDockedToken() public {
        _fund();
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(bridge.tokenCount() - 1, alice, 1);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.pendingWithdrawals(alice, tokenId), 1);
    }

    function test_submitBatch_revertsOnWithdrawalToZeroAddress() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 1);
        slots[1] = _withdrawSlot(ETH, bob, 1);
        slots[2] = _withdrawSlot(ETH, address(0), 1);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.ZeroWithdrawalRecipient.selector, 2));
    }

    function test_submitBatch_revertsOnZeroWithdrawal() public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        for (uint256 j = 0; j < 3; j++) {
            slots[j] = _withdrawSlot(ETH, alice, 1);
        }
        slots[3] = _withdrawSlot(ETH, alice, 0);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.ZeroWithdrawalAmount.selector, 3));
    }

    function testFuzz_submitBatch_revertsOnWithdrawalWithDepositFields(address depositor, uint64 timestamp)
        public
    {
        vm.assume(depositor != address(0) || timestamp != 0);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 1);
        slots[0].depositor = depositor;
        slots[0].timestamp = timestamp;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.NonZeroSlotField.selector, 0));
    }

    /*//////////////////////////////////////////////////////////////
                         TRANSFER AND OTHER SLOTS
    //////////////////////////////////////////////////////////////*/

    function testFuzz_submitBatch_revertsOnNonZeroTransferSlot(uint8 index, uint8 field, uint256 value)
        public
    {
        index = uint8(bound(index, 0, BATCH - 1));
        field = uint8(bound(field, 0, 4));
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        IAssetStorage.BatchSlot memory slot = slots[index];
        if (field == 0) {
            slot.tokenId = uint32(bound(value, 1, type(uint32).max));
        } else if (field == 1) {
            slot.account = address(uint160(bound(value, 1, type(uint160).max)));
        } else if (field == 2) {
            slot.amount = uint128(bound(value, 1, type(uint128).max));
        } else if (field == 3) {
            slot.depositor = address(uint160(bound(value, 1, type(uint160).max)));
        } else {
            slot.timestamp = uint64(bound(value, 1, type(uint64).max));
        }
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.NonZeroSlotField.selector, index));
    }

    function testFuzz_submitBatch_revertsOnUnknownKind(uint8 index, uint8 kind) public {
        index = uint8(bound(index, 0, BATCH - 1));
        vm.assume(kind != 0 && kind != 1 && kind != 3 && kind != 4);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        for (uint256 j = 0; j < index; j++) {
            slots[j] = _withdrawSlot(ETH, alice, 1); // records before the bad one are valid
        }
        slots[index].kind = kind;
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.UnknownSlotKind.selector, index, kind)
        );
    }

    function test_submitBatch_revertsOnTransferKindTwo() public {
        // L2 transfers reach L1 as kind 0 slots; kind 2 is not an L1 slot kind.
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0].kind = 2;
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.UnknownSlotKind.selector, 0, 2));
    }

    /*//////////////////////////////////////////////////////////////
                                VERIFIER
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_revertsWhenVerifierReturnsFalse() public {
        _checkVerifierModeRejected(MockBatchVerifier.Mode.Reject);
    }

    function test_submitBatch_revertsWhenVerifierReverts() public {
        _checkVerifierModeRejected(MockBatchVerifier.Mode.Revert);
    }

    function test_submitBatch_revertsWhenVerifierReturnsNothing() public {
        _checkVerifierModeRejected(MockBatchVerifier.Mode.ShortReturn);
    }

    function test_submitBatch_revertsWhenVerifierReturnsNonBoolean() public {
        _checkVerifierModeRejected(MockBatchVerifier.Mode.ReturnTwo);
    }

    function test_submitBatch_revertsWhenVerifierIsForAnotherBatchSize() public {
        MockBatchVerifier other = new MockBatchVerifier(BATCH + 1);
        _deploy(address(other), BATCH, DEPTH, genesisRoot);
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        _submitTo(bridge, ROOT_1, CHAIN_1, _noops(PUBLIC), proof);
    }

    function testFuzz_submitBatch_revertsWhenProofDiffers(uint8 word, uint256 value) public {
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        mockVerifier.acceptOnly(
            _expectedVerifierCalldata(proof, _expectedInputs(genesisRoot, ROOT_1, 0, CHAIN_1, slots))
        );
        uint256[8] memory other = proof;
        word = uint8(bound(word, 0, 7));
        vm.assume(value != other[word]);
        other[word] = value;
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        _submitTo(bridge, ROOT_1, CHAIN_1, slots, other);
        _submit(ROOT_1, CHAIN_1, slots); // the accepted proof still goes through
    }

    /*//////////////////////////////////////////////////////////////
                                REPLAYS
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_replayRevertsBecauseOldRootMoved() public {
        _fund();
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _withdrawSlot(ETH, alice, 5);
        // The mock accepts only the statement it was "proven" for, like a real verifier.
        mockVerifier.acceptOnly(
            _expectedVerifierCalldata(proof, _expectedInputs(genesisRoot, ROOT_1, 0, CHAIN_1, slots))
        );
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 5);

        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        _submitTo(bridge, ROOT_1, CHAIN_1, slots, proof);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 5);
        assertEq(bridge.batchCount(), 1);
    }

    function test_submitBatch_replayRevertsBecauseDepositsWereConsumed() public {
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, bob, 1);
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(alice, carol, 2);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d0);
        _submit(ROOT_1, CHAIN_1, slots);

        // Even with a verifier that accepts anything, deposit 0 cannot be credited again.
        _expectSubmitRevert(
            slots, abi.encodeWithSelector(IAssetStorage.DepositRecordMismatch.selector, uint64(1))
        );
        slots[0] = _creditSlot(d1);
        _submit(ROOT_2, CHAIN_2, slots);
        _expectSubmitRevert(slots, abi.encodeWithSelector(IAssetStorage.DepositNotQueued.selector, uint64(2)));
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _expectSubmitRevert(IAssetStorage.BatchSlot[] memory slots, bytes memory reason) private {
        uint256 rootBefore = bridge.stateRoot();
        uint64 processedBefore = bridge.processedDeposits();
        vm.prank(stranger);
        vm.expectRevert(reason);
        _submitTo(bridge, ROOT_2, CHAIN_2, slots, proof);
        assertEq(bridge.stateRoot(), rootBefore);
        assertEq(bridge.processedDeposits(), processedBefore);
    }

    function _checkVerifierModeRejected(MockBatchVerifier.Mode mode) private {
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, bob, 1);
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(d0);
        slots[1] = _withdrawSlot(ETH, alice, 1);
        mockVerifier.setMode(mode);
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        _submitTo(bridge, ROOT_1, CHAIN_1, slots, proof);
        assertEq(bridge.stateRoot(), genesisRoot);
        assertEq(bridge.batchCount(), 0);
        assertEq(bridge.processedDeposits(), 0);
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);

        mockVerifier.setMode(MockBatchVerifier.Mode.Accept);
        _submit(ROOT_1, CHAIN_1, slots);
        assertEq(bridge.batchCount(), 1);
    }
}
