// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {IAttesterSet} from "../../src/universal/IAttesterSet.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";

/// @notice `submitBatch` is authorised by M-of-N attester signatures (docs/protocol.md section 14): every way a
///         signature set can be short, malformed, foreign or replayed, and the delayed set changes.
contract AssetStorageAttestTest is AssetStorageBase {
    uint256 internal constant ROOT_1 = 0x1111;
    uint256 internal constant CHAIN_1 = 0xc1;
    uint256 internal constant CHAIN_2 = 0xc2;

    /*//////////////////////////////////////////////////////////////
                                DIGEST
    //////////////////////////////////////////////////////////////*/

    function test_batchDigest_isTheWrittenOutEip712Digest() public view {
        assertEq(
            bridge.batchDigest(0, CHAIN_1, 1, _headAt(1)), _batchDigest(bridge, 0, CHAIN_1, 1, _headAt(1))
        );
        assertEq(
            bridge.batchDigest(7, 5, 9, bytes32(uint256(3))),
            _batchDigest(bridge, 7, 5, 9, bytes32(uint256(3)))
        );
    }

    function testFuzz_batchDigest_matches(uint64 batchNumber, uint256 chain, uint64 count, bytes32 head)
        public
        view
    {
        assertEq(
            bridge.batchDigest(batchNumber, chain, count, head),
            _batchDigest(bridge, batchNumber, chain, count, head)
        );
    }

    /*//////////////////////////////////////////////////////////////
                         ACCEPTED ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_acceptsMoreThanThreshold() public {
        bytes memory all = _signBy(_digest(CHAIN_1), _range(0, 3));
        bridge.submitBatch(
            ROOT_1, CHAIN_1, 1, _headAt(1), _noops(PUBLIC), _fillerOps(_nextCount(bridge) - 1, 1), proof, all
        );
        assertEq(bridge.batchCount(), 1);
    }

    function test_submitBatch_storesTheAttestedL2OpCountAndHead() public {
        bytes memory ops = _fillerOps(0, 42);
        bytes32 head = _headAt(42);
        bytes memory sigs = _attest(_batchDigest(bridge, 0, CHAIN_1, 42, head));
        bridge.submitBatch(ROOT_1, CHAIN_1, 42, head, _noops(PUBLIC), ops, proof, sigs);
        assertEq(bridge.l2OpCount(), 42);
        assertEq(bridge.l2OpHead(), head);
        assertEq(_storedHead(bridge), head, "L2_OP_HEAD_SLOT");
    }

    /// @dev Every subset of the 3 attesters, in ascending order: accepted exactly when it has 2 or more.
    function testFuzz_submitBatch_signerSubsets(uint8 mask) public {
        mask = uint8(bound(mask, 0, 7));
        uint256 n;
        for (uint256 i = 0; i < 3; i++) {
            if (mask & (1 << i) != 0) n++;
        }
        uint256[] memory who = new uint256[](n);
        uint256 k;
        for (uint256 i = 0; i < 3; i++) {
            if (mask & (1 << i) != 0) who[k++] = i;
        }
        bytes memory sigs = _signBy(_digest(CHAIN_1), who);
        if (n < THRESHOLD) {
            vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, n, THRESHOLD));
        }
        bridge.submitBatch(
            ROOT_1, CHAIN_1, 1, _headAt(1), _noops(PUBLIC), _fillerOps(_nextCount(bridge) - 1, 1), proof, sigs
        );
        assertEq(bridge.batchCount(), n < THRESHOLD ? 0 : 1);
    }

    /*//////////////////////////////////////////////////////////////
                         REJECTED ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_revertsWithoutSignatures() public {
        _expectRejected("", abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 0, THRESHOLD));
    }

    /// @dev M - 1 honest-looking signatures plus a colluding non-member do not make M.
    function test_submitBatch_revertsBelowThresholdEvenWithAColludingOutsider() public {
        bytes memory one = _sig(attesterKeys[0], _digest(CHAIN_1));
        _expectRejected(one, abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 1, THRESHOLD));
        (address outsider, uint256 outsiderKey) = makeAddrAndKey("outsider");
        bytes memory two = outsider > attesterSet[0]
            ? bytes.concat(one, _sig(outsiderKey, _digest(CHAIN_1)))
            : bytes.concat(_sig(outsiderKey, _digest(CHAIN_1)), one);
        uint256 at = outsider > attesterSet[0] ? 1 : 0;
        _expectRejected(two, abi.encodeWithSelector(IAttesterSet.SignerNotAttester.selector, at, outsider));
    }

    function test_submitBatch_revertsOnDuplicateSigner() public {
        bytes memory s0 = _sig(attesterKeys[0], _digest(CHAIN_1));
        _expectRejected(
            bytes.concat(s0, s0), abi.encodeWithSelector(IAttesterSet.SignersNotAscending.selector, 1)
        );
    }

    function test_submitBatch_revertsOnUnsortedSigners() public {
        bytes memory s0 = _sig(attesterKeys[0], _digest(CHAIN_1));
        bytes memory s1 = _sig(attesterKeys[1], _digest(CHAIN_1));
        _expectRejected(
            bytes.concat(s1, s0), abi.encodeWithSelector(IAttesterSet.SignersNotAscending.selector, 1)
        );
    }

    function test_submitBatch_revertsOnHighS() public {
        bytes memory s0 = _sig(attesterKeys[0], _digest(CHAIN_1));
        bytes memory s1 = _highS(_sig(attesterKeys[1], _digest(CHAIN_1)));
        _expectRejected(
            bytes.concat(s0, s1), abi.encodeWithSelector(IAttesterSet.InvalidSignature.selector, 1)
        );
    }

    function testFuzz_submitBatch_revertsOnWrongV(uint8 v) public {
        vm.assume(v != 27 && v != 28);
        bytes memory s0 = _sig(attesterKeys[0], _digest(CHAIN_1));
        bytes memory s1 = _sig(attesterKeys[1], _digest(CHAIN_1));
        s1[64] = bytes1(v);
        _expectRejected(
            bytes.concat(s0, s1), abi.encodeWithSelector(IAttesterSet.InvalidSignature.selector, 1)
        );
    }

    function test_submitBatch_revertsOnGarbageSignature() public {
        bytes memory s0 = _sig(attesterKeys[0], _digest(CHAIN_1));
        bytes memory zero = new bytes(65);
        zero[64] = bytes1(uint8(27));
        _expectRejected(
            bytes.concat(s0, zero), abi.encodeWithSelector(IAttesterSet.InvalidSignature.selector, 1)
        );
    }

    function testFuzz_submitBatch_revertsOnTruncatedSignatures(uint8 cut) public {
        bytes memory sigs = _attest(_digest(CHAIN_1));
        uint256 length = sigs.length - bound(cut, 1, 64);
        assembly {
            mstore(sigs, length)
        }
        _expectRejected(sigs, abi.encodeWithSelector(IAttesterSet.SignaturesLengthInvalid.selector, length));
    }

    function test_submitBatch_revertsOnSignaturesForAnotherChainId() public {
        uint256 here = block.chainid;
        vm.chainId(1);
        bytes32 foreign = _batchDigest(bridge, 0, CHAIN_1, 1, _headAt(1));
        vm.chainId(here);
        _expectForeign(foreign);
    }

    function test_submitBatch_revertsOnSignaturesForAnotherContract() public {
        AssetStorage other = new AssetStorage(governor, _params(address(mockVerifier), BATCH, DEPTH));
        _expectForeign(_batchDigest(other, 0, CHAIN_1, 1, _headAt(1)));
    }

    function test_submitBatch_revertsOnSignaturesForAnotherBatchNumber() public {
        _expectForeign(_batchDigest(bridge, 1, CHAIN_1, 1, _headAt(1)));
    }

    function test_submitBatch_revertsOnSignaturesForAnotherOpChain() public {
        _expectForeign(_batchDigest(bridge, 0, CHAIN_2, 1, _headAt(1)));
    }

    function test_submitBatch_revertsOnSignaturesForAnotherOpCountOrHead() public {
        _expectForeign(_batchDigest(bridge, 0, CHAIN_1, 2, _headAt(1)));
        _expectForeign(_batchDigest(bridge, 0, CHAIN_1, 1, _headAt(2)));
    }

    function test_submitBatch_revertsOnReplayOfThePreviousBatchSignatures() public {
        bytes memory first = _attested(bridge, CHAIN_1);
        bridge.submitBatch(
            ROOT_1,
            CHAIN_1,
            1,
            _headAt(1),
            _noops(PUBLIC),
            _fillerOps(_nextCount(bridge) - 1, 1),
            proof,
            first
        );
        // Same op chain, count and head moved on: the batch number in the message differs.
        vm.expectRevert(); // SignerNotAttester of some recovered address
        bridge.submitBatch(
            ROOT_1 + 1,
            CHAIN_1,
            2,
            _headAt(2),
            _noops(PUBLIC),
            _fillerOps(_nextCount(bridge) - 1, 2),
            proof,
            first
        );
        assertEq(bridge.batchCount(), 1);
    }

    function test_submitBatch_revertsWhenL2OpCountDoesNotGrow() public {
        _submit(ROOT_1, CHAIN_1, _noops(PUBLIC)); // l2OpCount = 1
        bytes memory same = _attest(_batchDigest(bridge, 1, CHAIN_2, 1, _headAt(1)));
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.L2OpCountNotIncreasing.selector, 1, 1));
        bridge.submitBatch(
            ROOT_1, CHAIN_2, 1, _headAt(1), _noops(PUBLIC), _fillerOps(_nextCount(bridge) - 1, 1), proof, same
        );
    }

    /*//////////////////////////////////////////////////////////////
                              SET CHANGES
    //////////////////////////////////////////////////////////////*/

    function test_setChange_appliesOnlyAfterTheDelay() public {
        (address[] memory newSet, uint256[] memory newKeys) = _newSet();
        uint64 eta = uint64(block.timestamp) + GOVERNANCE_DELAY;
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAttesterSet.AttesterSetProposed(2, newSet, 1, eta);
        vm.prank(governor);
        bridge.proposeAttesterSet(newSet, 1);
        (address[] memory pendingSet, uint8 pendingThreshold, uint64 pendingEta) = bridge.pendingAttesterSet();
        assertEq(pendingSet, newSet);
        assertEq(pendingThreshold, 1);
        assertEq(pendingEta, eta);

        vm.warp(eta - 1);
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.GovernanceDelayNotElapsed.selector, eta));
        bridge.applyAttesterSet();
        // Until then the old set still rules.
        _submit(ROOT_1, CHAIN_1, _noops(PUBLIC));

        vm.warp(eta);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAttesterSet.AttesterSetApplied(2, newSet, 1);
        vm.prank(governor);
        bridge.applyAttesterSet();
        assertEq(bridge.attesters(), newSet);
        assertEq(bridge.attesterThreshold(), 1);
        assertEq(bridge.attesterSetVersion(), 2);
        assertFalse(bridge.isAttester(attesterSet[0]));
        assertTrue(bridge.isAttester(newSet[0]));

        // The old attesters can no longer authorise anything; one new attester can.
        bytes32 digest = _batchDigest(bridge, 1, CHAIN_2, 2, _headAt(2));
        bytes memory old = _attest(digest);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.SignerNotAttester.selector, 0, attesterSet[0]));
        bytes memory ops = _fillerOps(1, 2);
        bridge.submitBatch(ROOT_1, CHAIN_2, 2, _headAt(2), _noops(PUBLIC), ops, proof, old);
        bytes memory sig = _sig(newKeys[0], digest);
        bridge.submitBatch(ROOT_1, CHAIN_2, 2, _headAt(2), _noops(PUBLIC), ops, proof, sig);
        assertEq(bridge.batchCount(), 2);
    }

    function test_setChange_cancel() public {
        (address[] memory newSet,) = _newSet();
        vm.prank(governor);
        bridge.proposeAttesterSet(newSet, 1);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAttesterSet.AttesterSetCancelled(2);
        vm.prank(governor);
        bridge.cancelAttesterSet();
        (,, uint64 eta) = bridge.pendingAttesterSet();
        assertEq(eta, 0);

        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        vm.prank(governor);
        vm.expectRevert(IAttesterSet.NoPendingAttesterSet.selector);
        bridge.applyAttesterSet();
        vm.prank(governor);
        vm.expectRevert(IAttesterSet.NoPendingAttesterSet.selector);
        bridge.cancelAttesterSet();
        assertEq(bridge.attesters(), attesterSet);
    }

    function test_setChange_aNewProposalRestartsTheDelay() public {
        (address[] memory newSet,) = _newSet();
        vm.prank(governor);
        bridge.proposeAttesterSet(newSet, 1);
        vm.warp(block.timestamp + GOVERNANCE_DELAY - 1);
        vm.prank(governor);
        bridge.proposeAttesterSet(newSet, 2);
        vm.warp(block.timestamp + 1);
        vm.prank(governor);
        vm.expectRevert();
        bridge.applyAttesterSet();
    }

    function test_setChange_onlyTheGovernor() public {
        (address[] memory newSet,) = _newSet();
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        bridge.proposeAttesterSet(newSet, 1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        bridge.cancelAttesterSet();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        bridge.applyAttesterSet();
        vm.stopPrank();
    }

    function test_setChange_refusesBadSets() public {
        address[] memory empty = new address[](0);
        _expectBadSet(empty, 1, abi.encodeWithSelector(IAttesterSet.InvalidAttesterCount.selector, 0));
        address[] memory tooMany = new address[](33);
        for (uint256 i = 0; i < 33; i++) {
            tooMany[i] = address(uint160(i + 1));
        }
        _expectBadSet(tooMany, 1, abi.encodeWithSelector(IAttesterSet.InvalidAttesterCount.selector, 33));
        address[] memory two = new address[](2);
        two[0] = address(1);
        two[1] = address(2);
        _expectBadSet(two, 0, abi.encodeWithSelector(IAttesterSet.InvalidAttesterThreshold.selector, 0, 2));
        _expectBadSet(two, 3, abi.encodeWithSelector(IAttesterSet.InvalidAttesterThreshold.selector, 3, 2));
        two[0] = address(0);
        _expectBadSet(two, 1, abi.encodeWithSelector(IAttesterSet.AttesterIsZeroAddress.selector));
        two[0] = address(2);
        _expectBadSet(two, 1, abi.encodeWithSelector(IAttesterSet.AttestersNotAscending.selector, 1));
        two[0] = address(3);
        _expectBadSet(two, 1, abi.encodeWithSelector(IAttesterSet.AttestersNotAscending.selector, 1));
    }

    function test_setChange_thirtyTwoAttestersIsTheLargestSet() public {
        address[] memory full = new address[](32);
        for (uint256 i = 0; i < 32; i++) {
            full[i] = address(uint160(i + 1));
        }
        vm.prank(governor);
        bridge.proposeAttesterSet(full, 32);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The digest of the first batch of `bridge` with count 1 and head `_headAt(1)`.
    function _digest(uint256 chain) internal view returns (bytes32) {
        return _batchDigest(bridge, 0, chain, 1, _headAt(1));
    }

    /// @dev Submits the first batch (CHAIN_1, count 1) with `sigs` and expects `reason`.
    function _expectRejected(bytes memory sigs, bytes memory reason) internal {
        vm.expectRevert(reason);
        bridge.submitBatch(
            ROOT_1, CHAIN_1, 1, _headAt(1), _noops(PUBLIC), _fillerOps(_nextCount(bridge) - 1, 1), proof, sigs
        );
        assertEq(bridge.batchCount(), 0);
    }

    /// @dev Threshold signatures over a digest of another message recover to non-members: rejected.
    ///      The first one already fails: it recovers, against the real digest, to some outsider.
    function _expectForeign(bytes32 foreign) internal {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(attesterKeys[0], foreign);
        address outsider = ecrecover(_digest(CHAIN_1), v, r, s);
        _expectRejected(
            _attest(foreign), abi.encodeWithSelector(IAttesterSet.SignerNotAttester.selector, 0, outsider)
        );
    }

    function _expectBadSet(address[] memory set, uint8 threshold, bytes memory reason) internal {
        vm.prank(governor);
        vm.expectRevert(reason);
        bridge.proposeAttesterSet(set, threshold);
    }

    /// @dev Two fresh attesters, ascending, and their keys.
    function _newSet() internal returns (address[] memory set, uint256[] memory keys) {
        (address a, uint256 ka) = makeAddrAndKey("next attester a");
        (address b, uint256 kb) = makeAddrAndKey("next attester b");
        set = new address[](2);
        keys = new uint256[](2);
        (set[0], keys[0], set[1], keys[1]) = a < b ? (a, ka, b, kb) : (b, kb, a, ka);
    }
}
