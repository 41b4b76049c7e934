// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {Groth16Verifier} from "../../src/verifier/BatchVerifier.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {MockERC20} from "./mocks/TestTokens.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @notice A real Groth16 proof (test/fixtures/batch-d16-n4-k2.json, written by circuits/scripts/fixture.ts)
///         through the generated verifier (src/verifier/BatchVerifier.sol) and AssetStorage.submitBatch:
///         it is accepted and applied, and changing any single public input, slot field or proof word,
///         or the deposit data L1 holds, makes the submission revert. This catches a verifier that no
///         longer matches the proving key, the circuit's public input order, or L1's input building.
contract AssetStorageProofTest is AssetStorageBase {
    string internal constant FIXTURE = "test/fixtures/batch-d16-n4-k2.json";

    string internal json;
    Groth16Verifier internal verifier;
    uint256 internal fixtureNewRoot;
    uint256 internal fixtureNewOpChain;
    uint256[8] internal realProof;
    /// @dev The deposits queued on the current `bridge`, as credit slots.
    IAssetStorage.BatchSlot[] internal queued;

    /// @dev The fixture circuit's K: slot records per batch (a deposit and a withdrawal, then nothing).
    uint16 internal constant FIXTURE_PUBLIC = 2;
    uint256 internal constant NO_CHANGE = type(uint256).max;
    /// @dev Gas budget of one submission in the proof-word test (a valid one uses well under 1M).
    uint256 internal constant PROOF_GAS = 3_000_000;

    function setUp() public override {
        json = vm.readFile(FIXTURE);
        assertEq(vm.parseJsonUint(json, ".depth"), DEPTH, "fixture depth");
        assertEq(vm.parseJsonUint(json, ".batchSize"), BATCH, "fixture batch size");
        assertEq(vm.parseJsonUint(json, ".publicSlots"), FIXTURE_PUBLIC, "fixture public slots");
        vm.warp(START_TIME);
        genesisRoot = vm.parseJsonUint(json, ".genesisRoot");
        assertEq(genesisRoot, PoseidonTree.emptyRoot(DEPTH), "TS genesis root = Solidity Poseidon empty root");
        verifier = new Groth16Verifier();
        _deployWithDeposits(address(verifier), NO_CHANGE, 0, address(0));
        fixtureNewRoot = vm.parseJsonUint(json, ".newRoot");
        fixtureNewOpChain = vm.parseJsonUint(json, ".newOpChain");
        uint256[] memory p = vm.parseJsonUintArray(json, ".proof");
        assertEq(p.length, 8);
        for (uint256 i = 0; i < 8; i++) {
            realProof[i] = p[i];
        }
    }

    /*//////////////////////////////////////////////////////////////
                              HAPPY PATH
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_realProof_acceptedAndApplied() public {
        IAssetStorage.BatchSlot[] memory slots = _fixtureSlots();
        vm.expectEmit(true, true, true, true, address(bridge));
        emit IAssetStorage.BatchVerified(0, fixtureNewRoot, fixtureNewOpChain, 1);
        vm.prank(stranger);
        _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, slots, realProof);

        assertEq(bridge.stateRoot(), fixtureNewRoot);
        assertEq(bridge.opChain(), fixtureNewOpChain);
        assertEq(bridge.processedDeposits(), 1);
        assertEq(bridge.batchCount(), 1);
        assertEq(bridge.publicSlots(), FIXTURE_PUBLIC);
        // Record 1 (op slot 3, after two transfers) withdraws 1.5 ETH of bob's to carol on L1.
        address l1Recipient = vm.parseJsonAddress(json, ".slots[1].account");
        assertEq(bridge.pendingWithdrawals(l1Recipient, ETH), 1.5 ether);
        vm.prank(l1Recipient);
        bridge.claim(ETH);
        assertEq(l1Recipient.balance, 1.5 ether);
    }

    function test_verifier_realProof_acceptsFixtureSignalsDirectly() public view {
        uint256[] memory pub = vm.parseJsonUintArray(json, ".publicSignals");
        assertEq(pub.length, 4 + 2 * FIXTURE_PUBLIC);
        assertTrue(_verifyDirect(realProof, pub));
    }

    function test_verifier_realProof_rejectsNonCanonicalInput() public view {
        uint256[] memory pub = vm.parseJsonUintArray(json, ".publicSignals");
        pub[1] += R; // the same field element, but not < r
        assertFalse(_verifyDirect(realProof, pub));
    }

    /*//////////////////////////////////////////////////////////////
                      EVERY PUBLIC INPUT IS BOUND
    //////////////////////////////////////////////////////////////*/

    function test_submitBatch_realProof_revertsOnChangedNewRoot() public {
        _expectInvalid(fixtureNewRoot + 1, fixtureNewOpChain, _fixtureSlots(), realProof);
        _expectInvalid(fixtureNewRoot - 1, fixtureNewOpChain, _fixtureSlots(), realProof);
        _expectInvalid(genesisRoot, fixtureNewOpChain, _fixtureSlots(), realProof);
        _submitFixtureAsControl();
    }

    function test_submitBatch_realProof_revertsOnChangedNewOpChain() public {
        _expectInvalid(fixtureNewRoot, fixtureNewOpChain + 1, _fixtureSlots(), realProof);
        _expectInvalid(fixtureNewRoot, 0, _fixtureSlots(), realProof);
        _submitFixtureAsControl();
    }

    function test_submitBatch_realProof_revertsOnNonCanonicalNewRoot() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, fixtureNewRoot + R)
        );
        _submitTo(bridge, fixtureNewRoot + R, fixtureNewOpChain, _fixtureSlots(), realProof);
        _submitFixtureAsControl();
    }

    /// @dev Every field of every slot, changed alone: each submission reverts (L1's own checks or the proof).
    function test_submitBatch_realProof_revertsOnEachChangedSlotField() public {
        for (uint256 i = 0; i < FIXTURE_PUBLIC; i++) {
            for (uint256 f = 0; f < 6; f++) {
                IAssetStorage.BatchSlot[] memory slots = _fixtureSlots();
                _bump(slots[i], f);
                vm.prank(stranger);
                vm.expectRevert();
                _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, slots, realProof);
            }
        }
        _submitFixtureAsControl();
    }

    /// @dev The withdrawal slot passes L1's slot checks with another token, recipient or amount: only the
    ///      proof stops it.
    function test_submitBatch_realProof_revertsOnChangedWithdrawal() public {
        for (uint256 f = 1; f < 4; f++) {
            IAssetStorage.BatchSlot[] memory slots = _fixtureSlots();
            _bump(slots[1], f);
            _expectInvalid(fixtureNewRoot, fixtureNewOpChain, slots, realProof);
        }
        _submitFixtureAsControl();
    }

    /// @dev Deposits whose records L1 accepts but which differ from what the proof consumed (another amount,
    ///      recipient or token): the public inputs L1 builds from its own queue no longer match the proof.
    function test_submitBatch_realProof_revertsWhenL1DepositsDiffer() public {
        _deployWithDeposits(address(verifier), 0, 1, address(0)); // deposit 0: 1 wei more
        _expectInvalid(fixtureNewRoot, fixtureNewOpChain, _queuedSlots(), realProof);
        _deployWithDeposits(address(verifier), 0, 0, makeAddr("other")); // deposit 0: another recipient
        _expectInvalid(fixtureNewRoot, fixtureNewOpChain, _queuedSlots(), realProof);
        _deployWithSwappedToken(); // deposit 0 of the ERC-20 instead of ETH
        _expectInvalid(fixtureNewRoot, fixtureNewOpChain, _queuedSlots(), realProof);
        // Control: the fixture's own deposits, through the same helpers, are accepted.
        _deployWithDeposits(address(verifier), NO_CHANGE, 0, address(0));
        vm.prank(stranger);
        _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, _queuedSlots(), realProof);
        assertEq(bridge.stateRoot(), fixtureNewRoot);
    }

    /*//////////////////////////////////////////////////////////////
                      EVERY PROOF WORD IS BOUND
    //////////////////////////////////////////////////////////////*/

    /// @dev A word that is no longer a curve point makes a precompile fail, which burns all the gas the
    ///      verifier forwarded: each attempt gets a bounded gas budget so the loop does not run dry.
    function test_submitBatch_realProof_revertsOnEachChangedProofWord() public {
        for (uint256 i = 0; i < 8; i++) {
            uint256[8] memory p = realProof;
            p[i] = addmod(p[i], 1, type(uint256).max);
            _expectInvalidBounded(p);
            p[i] = realProof[i] ^ (1 << 200);
            _expectInvalidBounded(p);
        }
        // pi_b in snarkjs's JSON order instead of the verifier's (the classic export mistake).
        uint256[8] memory swapped = realProof;
        (swapped[2], swapped[3]) = (swapped[3], swapped[2]);
        (swapped[4], swapped[5]) = (swapped[5], swapped[4]);
        _expectInvalidBounded(swapped);
        // pA and pC exchanged.
        uint256[8] memory exchanged = realProof;
        (exchanged[0], exchanged[1], exchanged[6], exchanged[7]) =
        (realProof[6], realProof[7], realProof[0], realProof[1]);
        _expectInvalidBounded(exchanged);
        // Control: the untouched proof passes with the same budget.
        bytes memory sigs = _attested(bridge, fixtureNewOpChain);
        vm.prank(stranger);
        bridge.submitBatch{gas: PROOF_GAS}(
            fixtureNewRoot,
            fixtureNewOpChain,
            1,
            _headAt(1),
            _fixtureSlots(),
            _fillerOps(0, 1),
            realProof,
            sigs
        );
        assertEq(bridge.batchCount(), 1);
    }

    function test_submitBatch_realProof_cannotBeReplayed() public {
        vm.prank(stranger);
        _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, _fixtureSlots(), realProof);
        vm.prank(stranger);
        vm.expectRevert();
        _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, _fixtureSlots(), realProof);
        assertEq(bridge.batchCount(), 1);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A fresh AssetStorage over `verifier_` with the fixture's token docked and its deposits queued at
    ///      their timestamps, from their depositors. Deposit `changeIndex` gets `amountDelta` more and, if
    ///      `otherRecipient` is set, that recipient instead.
    function _deployWithDeposits(
        address verifier_,
        uint256 changeIndex,
        uint128 amountDelta,
        address otherRecipient
    ) internal {
        vm.warp(START_TIME);
        delete queued;
        _deployK(verifier_, BATCH, FIXTURE_PUBLIC, DEPTH, genesisRoot);
        token = new MockERC20("Token", "TKN");
        tokenId = _dock(address(token));
        assertEq(tokenId, vm.parseJsonUint(json, ".tokenId"), "fixture token id");
        for (uint256 d = 0; d < _fixtureDeposits(); d++) {
            string memory k = string.concat(".deposits[", vm.toString(d), "]");
            address recipient = vm.parseJsonAddress(json, string.concat(k, ".recipient"));
            uint32 tid = _u32(string.concat(k, ".tokenId"));
            uint128 amount = _u128(string.concat(k, ".amount"));
            address depositor = vm.parseJsonAddress(json, string.concat(k, ".depositor"));
            uint64 ts = _u64(string.concat(k, ".timestamp"));
            if (d == changeIndex) {
                amount += amountDelta;
                if (otherRecipient != address(0)) recipient = otherRecipient;
            }
            _queue(recipient, tid, amount, depositor, ts);
        }
    }

    /// @dev The number of deposits the fixture batch consumes.
    function _fixtureDeposits() internal view returns (uint256 n) {
        while (vm.keyExistsJson(json, string.concat(".deposits[", vm.toString(n), "]"))) {
            ++n;
        }
    }

    /// @dev Like the fixture, but every ETH deposit is of the ERC-20 and the other way round (token ids swapped).
    function _deployWithSwappedToken() internal {
        vm.warp(START_TIME);
        delete queued;
        _deployK(address(verifier), BATCH, FIXTURE_PUBLIC, DEPTH, genesisRoot);
        token = new MockERC20("Token", "TKN");
        tokenId = _dock(address(token));
        for (uint256 d = 0; d < _fixtureDeposits(); d++) {
            string memory k = string.concat(".deposits[", vm.toString(d), "]");
            uint32 tid = _u32(string.concat(k, ".tokenId"));
            _queue(
                vm.parseJsonAddress(json, string.concat(k, ".recipient")),
                tid == ETH ? tokenId : ETH,
                _u128(string.concat(k, ".amount")),
                vm.parseJsonAddress(json, string.concat(k, ".depositor")),
                _u64(string.concat(k, ".timestamp"))
            );
        }
    }

    function _queue(address recipient, uint32 tid, uint128 amount, address depositor, uint64 ts) internal {
        vm.warp(ts);
        (, BridgeProtocol.DepositRecord memory rec) = _deposit(depositor, recipient, tid, amount);
        queued.push(_creditSlot(rec));
    }

    /// @dev The fixture's slots with the deposit slots replaced by the records this test queued.
    function _queuedSlots() internal view returns (IAssetStorage.BatchSlot[] memory slots) {
        slots = _fixtureSlots();
        for (uint256 d = 0; d < queued.length; d++) {
            slots[d] = queued[d];
        }
    }

    /// @dev The fixture's BatchSlot records.
    function _fixtureSlots() internal view returns (IAssetStorage.BatchSlot[] memory slots) {
        slots = new IAssetStorage.BatchSlot[](FIXTURE_PUBLIC);
        for (uint256 i = 0; i < FIXTURE_PUBLIC; i++) {
            string memory k = string.concat(".slots[", vm.toString(i), "]");
            slots[i] = IAssetStorage.BatchSlot({
                kind: _u8(string.concat(k, ".kind")),
                tokenId: _u32(string.concat(k, ".tokenId")),
                account: vm.parseJsonAddress(json, string.concat(k, ".account")),
                amount: _u128(string.concat(k, ".amount")),
                depositor: vm.parseJsonAddress(json, string.concat(k, ".depositor")),
                timestamp: _u64(string.concat(k, ".timestamp"))
            });
        }
    }

    /// @dev Changes field `f` (0 kind, 1 tokenId, 2 account, 3 amount, 4 depositor, 5 timestamp) of `s`.
    function _bump(IAssetStorage.BatchSlot memory s, uint256 f) internal pure {
        if (f == 0) s.kind = s.kind == 3 ? 1 : s.kind + 1;
        else if (f == 1) s.tokenId = s.tokenId == 0 ? 1 : 0;
        else if (f == 2) s.account = address(uint160(s.account) ^ 1);
        else if (f == 3) s.amount = s.amount + 1;
        else if (f == 4) s.depositor = address(uint160(s.depositor) ^ 1);
        else s.timestamp = s.timestamp + 1;
    }

    function _expectInvalid(
        uint256 newRoot,
        uint256 newOpChain,
        IAssetStorage.BatchSlot[] memory slots,
        uint256[8] memory p
    ) internal {
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        _submitTo(bridge, newRoot, newOpChain, slots, p);
    }

    /// @dev After a test's failed submissions: nothing was applied, and the untouched fixture still passes
    ///      (so the failures came from the changes, not from a broken fixture).
    function _submitFixtureAsControl() internal {
        assertEq(bridge.stateRoot(), genesisRoot);
        assertEq(bridge.batchCount(), 0);
        vm.prank(stranger);
        _submitTo(bridge, fixtureNewRoot, fixtureNewOpChain, _fixtureSlots(), realProof);
        assertEq(bridge.stateRoot(), fixtureNewRoot);
    }

    function _expectInvalidBounded(uint256[8] memory p) internal {
        IAssetStorage.BatchSlot[] memory slots = _fixtureSlots();
        bytes memory sigs = _attested(bridge, fixtureNewOpChain);
        vm.prank(stranger);
        vm.expectRevert(IAssetStorage.InvalidProof.selector);
        bridge.submitBatch{gas: PROOF_GAS}(
            fixtureNewRoot, fixtureNewOpChain, 1, _headAt(1), slots, _fillerOps(0, 1), p, sigs
        );
    }

    /// @dev A fixture number that must fit the given width (checked, then narrowed).
    function _u128(string memory key) internal view returns (uint128) {
        uint256 v = vm.parseJsonUint(json, key);
        assertLe(v, type(uint128).max, key);
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint128(v);
    }

    function _u64(string memory key) internal view returns (uint64) {
        uint256 v = vm.parseJsonUint(json, key);
        assertLe(v, type(uint64).max, key);
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(v);
    }

    function _u32(string memory key) internal view returns (uint32) {
        uint256 v = vm.parseJsonUint(json, key);
        assertLe(v, type(uint32).max, key);
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint32(v);
    }

    function _u8(string memory key) internal view returns (uint8) {
        uint256 v = vm.parseJsonUint(json, key);
        assertLe(v, type(uint8).max, key);
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint8(v);
    }

    function _verifyDirect(uint256[8] memory p, uint256[] memory pub) internal view returns (bool) {
        uint256[4 + 2 * FIXTURE_PUBLIC] memory input;
        for (uint256 i = 0; i < input.length; i++) {
            input[i] = pub[i];
        }
        return verifier.verifyProof([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], input);
    }
}
