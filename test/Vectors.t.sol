// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {IAssetStorage} from "../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../src/libraries/BridgeProtocol.sol";
import {StateTree} from "../src/libraries/StateTree.sol";

/// @title VectorsTest
/// @notice Checks the shared test vectors (test/vectors/*.json, written by offchain/lib/vectors/generate.ts)
///         against BridgeProtocol, StateTree and the on-chain Poseidon (poseidon-solidity). The node:test suite
///         (offchain/lib/vectors.test.ts) and the circuit suite check the same files.
/// @dev Every test walks all entries of its file and asserts a minimum entry count, so an emptied or
///      altered file fails.
contract VectorsTest is Test {
    uint256 internal constant R = BridgeProtocol.FIELD_MODULUS;

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The text of test/vectors/`name`.
    function _read(string memory name) internal view returns (string memory) {
        return vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/", name));
    }

    /// @dev `base[i]`.
    function _at(string memory base, uint256 i) internal pure returns (string memory) {
        return string.concat(base, "[", vm.toString(i), "]");
    }

    /// @dev `base[i].field`.
    function _key(string memory base, uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(_at(base, i), ".", field);
    }

    /// @dev Number of entries of the JSON array at `key`.
    function _count(string memory json, string memory key) internal view returns (uint256 n) {
        while (vm.keyExistsJson(json, _at(key, n))) ++n;
    }

    function _uint(string memory json, string memory key) internal pure returns (uint256) {
        return vm.parseJsonUint(json, key);
    }

    function _u8(string memory json, string memory key) internal pure returns (uint8) {
        uint256 x = vm.parseJsonUint(json, key);
        require(x <= type(uint8).max, string.concat(key, " is not a uint8"));
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint8(x);
    }

    function _u32(string memory json, string memory key) internal pure returns (uint32) {
        uint256 x = vm.parseJsonUint(json, key);
        require(x <= type(uint32).max, string.concat(key, " is not a uint32"));
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint32(x);
    }

    function _u64(string memory json, string memory key) internal pure returns (uint64) {
        uint256 x = vm.parseJsonUint(json, key);
        require(x <= type(uint64).max, string.concat(key, " is not a uint64"));
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(x);
    }

    function _u128(string memory json, string memory key) internal pure returns (uint128) {
        uint256 x = vm.parseJsonUint(json, key);
        require(x <= type(uint128).max, string.concat(key, " is not a uint128"));
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint128(x);
    }

    function _addr(string memory json, string memory key) internal pure returns (address) {
        return vm.parseJsonAddress(json, key);
    }

    /// @notice The root an exodus exit recomputes: StateTree.rootOf, the code `exit` runs (calldata siblings).
    function rootFromPath(uint256 leaf, uint256[] calldata siblings, uint256 slot)
        external
        pure
        returns (uint256)
    {
        return StateTree.rootOf(leaf, slot, siblings);
    }

    function _rootFromPath(uint256 leaf, uint256[] memory siblings, uint256 slot)
        internal
        view
        returns (uint256)
    {
        return this.rootFromPath(leaf, siblings, slot);
    }

    /// @dev The leaf of an account: StateTree.leaf = Poseidon(owner, tokenId, balance).
    function _leaf(string memory json, string memory base) internal pure returns (uint256) {
        return StateTree.leaf(
            _addr(json, string.concat(base, ".owner")),
            _u32(json, string.concat(base, ".tokenId")),
            _u128(json, string.concat(base, ".balance"))
        );
    }

    /*//////////////////////////////////////////////////////////////
                            FIELD AND POSEIDON
    //////////////////////////////////////////////////////////////*/

    function test_fieldModulus_matchesVectors() public view {
        string memory json = _read("poseidon.json");
        assertEq(_uint(json, ".fieldModulus"), BridgeProtocol.FIELD_MODULUS);
        assertEq(
            R,
            21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617
        );
    }

    function test_poseidon_matchesVectors() public view {
        string memory json = _read("poseidon.json");
        uint256 n = _count(json, ".cases");
        uint256[5] memory byArity;
        bool sawMax;
        for (uint256 i = 0; i < n; ++i) {
            uint256[] memory x = vm.parseJsonUintArray(json, _key(".cases", i, "inputs"));
            uint256 expected = _uint(json, _key(".cases", i, "output"));
            uint256 got;
            if (x.length == 2) got = PoseidonT3.hash([x[0], x[1]]);
            else if (x.length == 3) got = PoseidonT4.hash([x[0], x[1], x[2]]);
            else if (x.length == 4) got = PoseidonT5.hash([x[0], x[1], x[2], x[3]]);
            else revert("poseidon.json: a case must have 2, 3 or 4 inputs");
            assertEq(got, expected, _at(".cases", i));
            assertLt(expected, R);
            ++byArity[x.length];
            for (uint256 k = 0; k < x.length; ++k) {
                assertLt(x[k], R);
                if (x[k] == R - 1) sawMax = true;
            }
        }
        assertGe(byArity[2], 3, "Poseidon(2) cases");
        assertGe(byArity[3], 3, "Poseidon(3) cases");
        assertGe(byArity[4], 3, "Poseidon(4) cases");
        assertTrue(sawMax, "a case with an input r - 1");
        // The known answer of docs/protocol.md section 3.
        assertEq(
            PoseidonT3.hash([uint256(1), 2]),
            7_853_200_120_776_062_878_684_798_364_095_072_458_815_029_376_092_732_009_249_414_926_327_459_813_530
        );
    }

    /*//////////////////////////////////////////////////////////////
                                PACKING
    //////////////////////////////////////////////////////////////*/

    function test_slotA_matchesPackingVectors() public view {
        string memory json = _read("packing.json");
        uint256 n = _count(json, ".cases");
        assertGe(n, 16);
        for (uint256 i = 0; i < n; ++i) {
            uint8 kind = _u8(json, _key(".cases", i, "kind"));
            assertLe(kind, 4);
            uint256 packed = BridgeProtocol.slotA(
                kind, _u32(json, _key(".cases", i, "tokenId")), _addr(json, _key(".cases", i, "account"))
            );
            assertEq(packed, _uint(json, _key(".cases", i, "packed")), _at(".cases", i));
            assertLt(packed, 1 << 195);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 OP LOG
    //////////////////////////////////////////////////////////////*/

    function test_nextOpHead_matchesOplog() public view {
        string memory json = _read("oplog.json");
        uint256 n = _count(json, ".ops");
        assertGe(n, 8);
        bytes32 head = vm.parseJsonBytes32(json, ".initialLogHead");
        assertEq(head, bytes32(0));
        for (uint256 i = 0; i < n; ++i) {
            assertEq(_uint(json, _key(".ops", i, "index")), i);
            head = BridgeProtocol.nextOpHead(
                head,
                _u8(json, _key(".ops", i, "kind")),
                _u32(json, _key(".ops", i, "tokenId")),
                _addr(json, _key(".ops", i, "from")),
                _addr(json, _key(".ops", i, "to")),
                _u128(json, _key(".ops", i, "amount"))
            );
            assertEq(head, vm.parseJsonBytes32(json, _key(".ops", i, "logHead")), _at(".ops", i));
        }
    }

    /// @notice BridgeProtocol.foldOps over calldata, as submitBatch runs it.
    function foldOps(bytes32 head, bytes calldata ops) external pure returns (bytes32) {
        return BridgeProtocol.foldOps(head, ops);
    }

    /// @dev The op data L1 receives (61-byte records) folds to the same keccak heads as the op log, after
    ///      every prefix; it includes kind-4 (forced withdrawal) ops.
    function test_foldOps_matchesOplog() public view {
        string memory json = _read("oplog.json");
        uint256 n = _count(json, ".ops");
        bytes memory ops;
        bool sawForced;
        for (uint256 i = 0; i < n; ++i) {
            uint8 kind = _u8(json, _key(".ops", i, "kind"));
            if (kind == BridgeProtocol.KIND_FORCED_WITHDRAW) sawForced = true;
            ops = bytes.concat(
                ops,
                abi.encodePacked(
                    kind,
                    _u32(json, _key(".ops", i, "tokenId")),
                    _addr(json, _key(".ops", i, "from")),
                    _addr(json, _key(".ops", i, "to")),
                    _u128(json, _key(".ops", i, "amount"))
                )
            );
            assertEq(ops.length, BridgeProtocol.OP_RECORD_BYTES * (i + 1));
            assertEq(
                this.foldOps(bytes32(0), ops),
                vm.parseJsonBytes32(json, _key(".ops", i, "logHead")),
                _at(".ops", i)
            );
        }
        assertTrue(sawForced, "oplog.json has a forced withdrawal (kind 4) op");
    }

    /// @dev The circuit's op chain, on chain with PoseidonT5: what an L2 attestation would recompute.
    function test_opChain_matchesOplog() public view {
        string memory json = _read("oplog.json");
        uint256 n = _count(json, ".ops");
        assertGe(n, 8);
        uint256 chain = _uint(json, ".initialOpChain");
        assertEq(chain, 0);
        for (uint256 i = 0; i < n; ++i) {
            uint256 head = BridgeProtocol.slotA(
                _u8(json, _key(".ops", i, "kind")),
                _u32(json, _key(".ops", i, "tokenId")),
                _addr(json, _key(".ops", i, "from"))
            );
            assertEq(head, _uint(json, _key(".ops", i, "packedHead")), _at(".ops", i));
            chain = PoseidonT5.hash(
                [
                    chain,
                    head,
                    uint256(uint160(_addr(json, _key(".ops", i, "to")))),
                    _uint(json, _key(".ops", i, "amount"))
                ]
            );
            assertEq(chain, _uint(json, _key(".ops", i, "opChain")), _at(".ops", i));
        }
    }

    /*//////////////////////////////////////////////////////////////
                                DEPOSITS
    //////////////////////////////////////////////////////////////*/

    function _record(string memory json, uint256 i)
        internal
        pure
        returns (BridgeProtocol.DepositRecord memory)
    {
        return BridgeProtocol.DepositRecord({
            recipient: _addr(json, _key(".records", i, "recipient")),
            tokenId: _u32(json, _key(".records", i, "tokenId")),
            amount: _u128(json, _key(".records", i, "amount")),
            depositor: _addr(json, _key(".records", i, "depositor")),
            timestamp: _u64(json, _key(".records", i, "timestamp"))
        });
    }

    function test_depositHash_matchesDepositVectors() public view {
        string memory json = _read("deposits.json");
        uint256 n = _count(json, ".records");
        assertGe(n, 4);
        for (uint256 i = 0; i < n; ++i) {
            BridgeProtocol.DepositRecord memory rec = _record(json, i);
            assertEq(
                BridgeProtocol.depositHash(rec),
                vm.parseJsonBytes32(json, _key(".records", i, "hash")),
                _at(".records", i)
            );
        }
    }

    function test_depositHash_changesWhenAmountChanges() public view {
        string memory json = _read("deposits.json");
        BridgeProtocol.DepositRecord memory rec = _record(json, 0);
        bytes32 hash = vm.parseJsonBytes32(json, _key(".records", 0, "hash"));
        rec.amount += 1;
        assertNotEq(BridgeProtocol.depositHash(rec), hash);
    }

    function _request(string memory json, uint256 i)
        internal
        pure
        returns (BridgeProtocol.WithdrawalRequestRecord memory)
    {
        return BridgeProtocol.WithdrawalRequestRecord({
            owner: _addr(json, _key(".requests", i, "owner")),
            tokenId: _u32(json, _key(".requests", i, "tokenId")),
            timestamp: _u64(json, _key(".requests", i, "timestamp"))
        });
    }

    /// @dev Forced withdrawal request hashes; none equals a deposit hash of the file.
    function test_requestHash_matchesRequestVectors() public view {
        string memory json = _read("deposits.json");
        uint256 n = _count(json, ".requests");
        assertGe(n, 2);
        uint256 deposits = _count(json, ".records");
        for (uint256 i = 0; i < n; ++i) {
            bytes32 hash = BridgeProtocol.requestHash(_request(json, i));
            assertEq(hash, vm.parseJsonBytes32(json, _key(".requests", i, "hash")), _at(".requests", i));
            for (uint256 k = 0; k < deposits; ++k) {
                assertNotEq(hash, vm.parseJsonBytes32(json, _key(".records", k, "hash")));
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  TREE
    //////////////////////////////////////////////////////////////*/

    /// @dev Every even depth 2..32 (the 4-ary tree has depth / 2 levels of PoseidonT5).
    function test_emptyRoots_matchPoseidonT5() public view {
        string memory json = _read("tree.json");
        uint256 n = _count(json, ".emptyRoots");
        assertEq(n, 16);
        for (uint256 i = 0; i < n; ++i) {
            uint256 depth = _uint(json, _key(".emptyRoots", i, "depth"));
            assertEq(depth, 2 * (i + 1));
            assertEq(
                StateTree.emptyRoot(depth), _uint(json, _key(".emptyRoots", i, "root")), _at(".emptyRoots", i)
            );
        }
    }

    function test_treeLeaves_matchPoseidonT4() public view {
        string memory json = _read("tree.json");
        uint256 trees = _count(json, ".trees");
        assertGe(trees, 2);
        for (uint256 t = 0; t < trees; ++t) {
            string memory leaves = _key(".trees", t, "leaves");
            uint256 n = _count(json, leaves);
            assertGe(n, 3);
            for (uint256 i = 0; i < n; ++i) {
                assertEq(_leaf(json, _at(leaves, i)), _uint(json, _key(leaves, i, "leaf")), _at(leaves, i));
            }
        }
    }

    /// @dev Rebuilds every tree's root from each Merkle path exactly as an exodus exit does.
    function test_merklePaths_rebuildRoots() public view {
        string memory json = _read("tree.json");
        uint256 trees = _count(json, ".trees");
        assertGe(trees, 2);
        bool sawDepth16;
        for (uint256 t = 0; t < trees; ++t) {
            uint256 depth = _uint(json, _key(".trees", t, "depth"));
            uint256 root = _uint(json, _key(".trees", t, "root"));
            string memory paths = _key(".trees", t, "paths");
            uint256 n = _count(json, paths);
            assertGe(n, 4);
            bool sawFirst;
            bool sawLast;
            for (uint256 i = 0; i < n; ++i) {
                uint256 slot = _checkPath(json, _at(paths, i), depth, root);
                if (slot == 0) sawFirst = true;
                if (slot == (1 << depth) - 1) sawLast = true;
            }
            assertTrue(sawFirst && sawLast, "paths of slot 0 and of the last slot");
            if (depth == 16) sawDepth16 = true;
        }
        assertTrue(sawDepth16, "a depth-16 tree");
    }

    /// @dev Checks one path entry (leaf, siblings < r, root rebuilt as exit does); returns its slot.
    function _checkPath(string memory json, string memory p, uint256 depth, uint256 root)
        internal
        view
        returns (uint256 slot)
    {
        slot = _uint(json, string.concat(p, ".slot"));
        assertLt(slot, 1 << depth);
        uint256 leaf = _uint(json, string.concat(p, ".leaf"));
        if (vm.parseJsonBool(json, string.concat(p, ".occupied"))) assertEq(_leaf(json, p), leaf, p);
        else assertEq(leaf, 0, p);
        uint256[] memory siblings = vm.parseJsonUintArray(json, string.concat(p, ".siblings"));
        assertEq(siblings.length, 3 * depth / 2, "3 siblings per 4-ary level");
        for (uint256 j = 0; j < siblings.length; ++j) {
            assertLt(siblings[j], R);
        }
        assertEq(_rootFromPath(leaf, siblings, slot), root, p);
    }

    function test_merklePath_failsWithAlteredSiblingOrSlot() public view {
        string memory json = _read("tree.json");
        string memory p = _at(_key(".trees", 1, "paths"), 1);
        uint256 root = _uint(json, _key(".trees", 1, "root"));
        uint256 slot = _uint(json, string.concat(p, ".slot"));
        uint256 leaf = _uint(json, string.concat(p, ".leaf"));
        uint256[] memory siblings = vm.parseJsonUintArray(json, string.concat(p, ".siblings"));
        assertEq(_rootFromPath(leaf, siblings, slot), root);
        // Every other digit at the first and the last level (a wrong position among the 4 children).
        for (uint256 d = 1; d < 4; ++d) {
            assertNotEq(_rootFromPath(leaf, siblings, slot ^ d), root);
            assertNotEq(_rootFromPath(leaf, siblings, slot ^ (d << 14)), root);
        }
        assertNotEq(_rootFromPath(leaf + 1, siblings, slot), root);
        // Two siblings of one level swapped (their order is part of the path).
        (siblings[0], siblings[1]) = (siblings[1], siblings[0]);
        if (siblings[0] != siblings[1]) assertNotEq(_rootFromPath(leaf, siblings, slot), root);
        (siblings[0], siblings[1]) = (siblings[1], siblings[0]);
        siblings[siblings.length - 1] += 1;
        assertNotEq(_rootFromPath(leaf, siblings, slot), root);
    }

    /// @dev A sibling `s + r` hashes like `s` in PoseidonT5, so StateTree.rootOf refuses any sibling `>= r`.
    function testFuzz_rootOf_refusesSiblingNotInField(uint256 level, uint256 excess) public {
        string memory json = _read("tree.json");
        string memory p = _at(_key(".trees", 1, "paths"), 1);
        uint256 leaf = _uint(json, string.concat(p, ".leaf"));
        uint256 slot = _uint(json, string.concat(p, ".slot"));
        uint256[] memory siblings = vm.parseJsonUintArray(json, string.concat(p, ".siblings"));
        level = bound(level, 0, siblings.length - 1);
        siblings[level] = bound(excess, R, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.FieldElementOutOfRange.selector, siblings[level])
        );
        this.rootFromPath(leaf, siblings, slot);
    }

    /*//////////////////////////////////////////////////////////////
                                BATCHES
    //////////////////////////////////////////////////////////////*/

    /// @dev Public inputs, as submitBatch builds them from the L1 slots, and the op chain across batches.
    function test_batches_publicInputsAndChains() public view {
        string memory json = _read("batch.json");
        uint256 sequences = _count(json, ".sequences");
        assertGe(sequences, 2);
        for (uint256 s = 0; s < sequences; ++s) {
            string memory seq = _at(".sequences", s);
            uint256 batchSize = _uint(json, string.concat(seq, ".batchSize"));
            uint256 publicSlots = _uint(json, string.concat(seq, ".publicSlots"));
            assertLe(publicSlots, batchSize, "K <= N");
            uint256 depth = _uint(json, string.concat(seq, ".depth"));
            uint256 root = _uint(json, string.concat(seq, ".genesisRoot"));
            assertEq(root, StateTree.emptyRoot(depth), "genesis root is the empty root");
            uint256 chain = 0;
            string memory batches = string.concat(seq, ".batches");
            uint256 n = _count(json, batches);
            assertGe(n, 3);
            for (uint256 b = 0; b < n; ++b) {
                string memory batch = _at(batches, b);
                assertEq(
                    _uint(json, string.concat(batch, ".oldRoot")), root, string.concat(batch, ": oldRoot")
                );
                assertEq(
                    _uint(json, string.concat(batch, ".oldOpChain")),
                    chain,
                    string.concat(batch, ": oldOpChain")
                );
                chain = _checkBatchOps(json, batch, batchSize, publicSlots, chain);
                assertEq(
                    _uint(json, string.concat(batch, ".newOpChain")),
                    chain,
                    string.concat(batch, ": newOpChain")
                );
                root = _uint(json, string.concat(batch, ".newRoot"));
                _checkPublicInputs(json, batch, publicSlots, chain);
            }
        }
    }

    /// @dev Extends `chain` over the batch's ops and checks that the L1 slot records are the L1-visible ops in
    ///      log order, then kind 0 records up to `publicSlots`; returns the new chain.
    function _checkBatchOps(
        string memory json,
        string memory batch,
        uint256 batchSize,
        uint256 publicSlots,
        uint256 chain
    ) internal view returns (uint256) {
        string memory ops = string.concat(batch, ".ops");
        string memory l1 = string.concat(batch, ".l1Slots");
        uint256 k;
        for (uint256 i = 0; i < batchSize && vm.keyExistsJson(json, _at(ops, i)); ++i) {
            bool visible;
            (chain, visible) = _checkOp(json, _at(ops, i), _at(l1, k), chain);
            if (visible) ++k;
        }
        assertLe(k, publicSlots, "at most K L1-visible ops");
        for (; k < publicSlots; ++k) {
            assertEq(_u8(json, _key(l1, k, "kind")), BridgeProtocol.KIND_NONE, "unused record kind");
        }
        assertFalse(vm.keyExistsJson(json, _at(ops, batchSize)), "more ops than the batch size");
        assertFalse(vm.keyExistsJson(json, _at(l1, publicSlots)), "more L1 slot records than K");
        return chain;
    }

    /// @dev Extends `chain` by one op and, for an L1-visible op, checks the record `l1Slot` that carries it.
    ///      Returns the new chain and whether the op took the record (transfers take none).
    function _checkOp(string memory json, string memory op, string memory l1Slot, uint256 chain)
        internal
        view
        returns (uint256, bool)
    {
        uint8 kind = _u8(json, string.concat(op, ".kind"));
        uint32 tokenId = _u32(json, string.concat(op, ".tokenId"));
        address to = _addr(json, string.concat(op, ".to"));
        uint256 amount = _uint(json, string.concat(op, ".amount"));
        uint256 head = BridgeProtocol.slotA(kind, tokenId, _addr(json, string.concat(op, ".from")));
        chain = PoseidonT5.hash([chain, head, uint256(uint160(to)), amount]);
        if (kind == BridgeProtocol.KIND_TRANSFER) return (chain, false);
        assertTrue(vm.keyExistsJson(json, l1Slot), string.concat(op, ": an L1-visible op has a record"));
        assertEq(_u8(json, string.concat(l1Slot, ".kind")), kind, l1Slot);
        assertEq(_u32(json, string.concat(l1Slot, ".tokenId")), tokenId, l1Slot);
        assertEq(_addr(json, string.concat(l1Slot, ".account")), to, l1Slot);
        assertEq(_uint(json, string.concat(l1Slot, ".amount")), amount, l1Slot);
        return (chain, true);
    }

    /// @dev publicInputs = oldRoot, newRoot, oldOpChain, newOpChain, then (slotA, amount) or (0, 0) per L1 slot
    ///      record (K of them).
    function _checkPublicInputs(
        string memory json,
        string memory batch,
        uint256 publicSlots,
        uint256 newOpChain
    ) internal pure {
        uint256[] memory pub = vm.parseJsonUintArray(json, string.concat(batch, ".publicInputs"));
        assertEq(pub.length, 4 + 2 * publicSlots, string.concat(batch, ": 4 + 2K public inputs"));
        assertEq(pub[0], _uint(json, string.concat(batch, ".oldRoot")));
        assertEq(pub[1], _uint(json, string.concat(batch, ".newRoot")));
        assertEq(pub[2], _uint(json, string.concat(batch, ".oldOpChain")));
        assertEq(pub[3], newOpChain);
        for (uint256 k = 0; k < pub.length; ++k) {
            assertLt(pub[k], R);
        }
        string memory l1 = string.concat(batch, ".l1Slots");
        for (uint256 i = 0; i < publicSlots; ++i) {
            string memory l1Slot = _at(l1, i);
            uint8 kind = _u8(json, string.concat(l1Slot, ".kind"));
            uint32 tokenId = _u32(json, string.concat(l1Slot, ".tokenId"));
            address account = _addr(json, string.concat(l1Slot, ".account"));
            uint256 amount = _uint(json, string.concat(l1Slot, ".amount"));
            if (kind == BridgeProtocol.KIND_NONE) {
                assertEq(tokenId, 0, l1Slot);
                assertEq(account, address(0), l1Slot);
                assertEq(amount, 0, l1Slot);
                assertEq(pub[4 + 2 * i], 0, l1Slot);
                assertEq(pub[5 + 2 * i], 0, l1Slot);
            } else {
                assertTrue(
                    kind == BridgeProtocol.KIND_CREDIT || kind == BridgeProtocol.KIND_WITHDRAW
                        || kind == BridgeProtocol.KIND_FORCED_WITHDRAW,
                    l1Slot
                );
                assertEq(pub[4 + 2 * i], BridgeProtocol.slotA(kind, tokenId, account), l1Slot);
                assertEq(pub[5 + 2 * i], amount, l1Slot);
            }
        }
    }
}
