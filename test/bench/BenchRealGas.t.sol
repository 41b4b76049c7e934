// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {AcceptingVerifier} from "../L1/mocks/MockBatchVerifier.sol";
import {PoseidonTree} from "../L1/utils/PoseidonTree.sol";
import {BenchGasBase} from "./BenchGas.t.sol";

/// @notice submitBatch and verifyProof with REAL proofs, for the `realgas` section of `make bench`
///         (bench/realgas.ts writes one replay file per circuit set under build/ and lists them in
///         BENCH_REALGAS_FILES). Each file carries our generated verifier and snarkjs's oracle (creation
///         bytecode), the genesis root, the deposits, a funding batch and the measured batches with their
///         proofs. Keys `realgas/<set>/<composition>/...`. Without BENCH_REALGAS_FILES the test does nothing.
/// @dev Steady state: the funding batch is proven through the real verifier before the measured one; storage
///      is made cold before each measurement and state restored between compositions.
contract BenchRealGasTest is BenchGasBase {
    string internal json;

    /// @dev Deploys creation `code` and returns its address (reverts when the constructor fails).
    function _create(bytes memory code) internal returns (address a) {
        assembly {
            a := create(0, add(code, 0x20), mload(code))
        }
        require(a != address(0), "deploy failed");
    }

    /// @dev The BatchSlot list at JSON path `base`.slots.
    function _slots(string memory base) internal view returns (IAssetStorage.BatchSlot[] memory slots) {
        uint256 n = vm.parseJsonUint(json, ".publicSlots");
        slots = new IAssetStorage.BatchSlot[](n);
        for (uint256 i = 0; i < n; i++) {
            string memory k = string.concat(base, ".slots[", vm.toString(i), "]");
            slots[i] = IAssetStorage.BatchSlot({
                kind: uint8(vm.parseJsonUint(json, string.concat(k, ".kind"))),
                tokenId: uint32(vm.parseJsonUint(json, string.concat(k, ".tokenId"))),
                account: vm.parseJsonAddress(json, string.concat(k, ".account")),
                amount: uint128(vm.parseJsonUint(json, string.concat(k, ".amount"))),
                depositor: vm.parseJsonAddress(json, string.concat(k, ".depositor")),
                timestamp: uint64(vm.parseJsonUint(json, string.concat(k, ".timestamp")))
            });
        }
    }

    function _proof(string memory base) internal view returns (uint256[8] memory p) {
        uint256[] memory words = vm.parseJsonUintArray(json, string.concat(base, ".proof"));
        for (uint256 i = 0; i < 8; i++) {
            p[i] = words[i];
        }
    }

    /// @dev A bridge of the file's depth and batch over `verifier_`, its deposits queued, the funding batch applied.
    function _fundedBridge(address verifier_) internal {
        vm.warp(START_TIME);
        // casting is safe: bench sets are small
        _deployK(
            verifier_,
            uint16(vm.parseJsonUint(json, ".batch")),
            uint16(vm.parseJsonUint(json, ".publicSlots")),
            uint8(vm.parseJsonUint(json, ".depth")),
            vm.parseJsonUint(json, ".genesisRoot")
        );
        uint256 deposits = vm.parseJsonUint(json, ".depositCount");
        for (uint256 d = 0; d < deposits; d++) {
            string memory k = string.concat(".deposits[", vm.toString(d), "]");
            vm.warp(vm.parseJsonUint(json, string.concat(k, ".timestamp")));
            _depositETH(
                vm.parseJsonAddress(json, string.concat(k, ".depositor")),
                vm.parseJsonAddress(json, string.concat(k, ".recipient")),
                vm.parseJsonUint(json, string.concat(k, ".amount"))
            );
        }
        _submitBatchAt(".first", "");
    }

    /// @dev Submits the batch at JSON path `base`; reports it under `key` when `key` is not empty.
    function _submitBatchAt(string memory base, string memory key) internal {
        uint256 newRoot = vm.parseJsonUint(json, string.concat(base, ".newRoot"));
        uint256 newChain = vm.parseJsonUint(json, string.concat(base, ".newOpChain"));
        bytes memory ops = vm.parseJsonBytes(json, string.concat(base, ".opData"));
        IAssetStorage.BatchSlot[] memory slots = _slots(base);
        uint256[8] memory p = _proof(base);
        bytes memory data = _submitCalldata(newRoot, newChain, slots, ops, p);
        _cool();
        vm.prank(stranger);
        _submitOps(bridge, newRoot, newChain, slots, ops, p);
        if (bytes(key).length > 0) _report(key, data);
        assertEq(bridge.stateRoot(), newRoot, "batch applied");
    }

    /// @dev verifyProof of `verifier_` on the batch's calldata; must return true.
    function _verify(address verifier_, string memory base, string memory key) internal {
        bytes memory data = vm.parseJsonBytes(json, string.concat(base, ".verifyCalldata"));
        vm.cool(verifier_);
        (bool ok, bytes memory ret) = verifier_.call(data);
        _report(key, data);
        assertTrue(ok && abi.decode(ret, (bool)), "the real proof verifies");
    }

    function _replay(string memory file) internal {
        json = vm.readFile(file);
        string memory label = vm.parseJsonString(json, ".label");
        address ours = _create(vm.parseJsonBytes(json, ".verifier"));
        address oracle = _create(vm.parseJsonBytes(json, ".oracle"));
        string[2] memory comps = ["deposit", "transfers"];
        for (uint256 v = 0; v < 2; v++) {
            _fundedBridge(v == 0 ? ours : address(new AcceptingVerifier()));
            uint256 snap = vm.snapshotState();
            for (uint256 c = 0; c < comps.length; c++) {
                vm.revertToState(snap);
                string memory base = string.concat(".measured.", comps[c]);
                string memory key = string.concat("realgas/", label, "/", comps[c]);
                _submitBatchAt(
                    base,
                    string.concat(
                        key, v == 0 ? "/submitBatch/verifier=real" : "/submitBatch/verifier=accepting"
                    )
                );
                if (v == 0) {
                    _verify(ours, base, string.concat(key, "/verifyProof/ours"));
                    _verify(oracle, base, string.concat(key, "/verifyProof/oracle"));
                }
            }
        }
    }

    /// @dev The batch-64 estimate's shape with the accepting verifier: `spec` = "DxNxK", N - 1 transfers and
    ///      1 withdrawal (N ops of data, K slots of which the first is the withdrawal), after one batch.
    function _estimateBase(string memory spec) internal {
        string[] memory parts = vm.split(spec, "x");
        // casting is safe: bench parameters
        uint8 depth = uint8(vm.parseUint(parts[0]));
        uint16 n = uint16(vm.parseUint(parts[1]));
        uint16 k = uint16(vm.parseUint(parts[2]));
        vm.warp(START_TIME);
        _deployK(address(new AcceptingVerifier()), n, k, depth, PoseidonTree.emptyRoot(depth));
        _depositETH(carol, carol, 1 ether);
        _submitOps(bridge, 1, 1, _noops(k), _fillerOps(0, 1), proof);
        IAssetStorage.BatchSlot[] memory slots = _noops(k);
        slots[0] = _withdrawSlot(ETH, address(0xe000), 1);
        bytes memory ops = _fillerOps(1, 1 + uint64(n));
        bytes memory data = _submitCalldata(2, 2, slots, ops, proof);
        _cool();
        vm.prank(stranger);
        _submitOps(bridge, 2, 2, slots, ops, proof);
        _report(
            string.concat("realgas/estimate/", _setName(depth, n, k), "/submitBatch/verifier=accepting"), data
        );
        assertEq(bridge.pendingWithdrawals(address(0xe000), ETH), 1, "withdrawal queued");
    }

    /// @dev bench/realgas.ts setName: batch-dD-nN-kK.
    function _setName(uint8 depth, uint16 n, uint16 k) internal pure returns (string memory) {
        string memory name =
            string.concat("batch-d", vm.toString(uint256(depth)), "-n", vm.toString(uint256(n)));
        return string.concat(name, "-k", vm.toString(uint256(k)));
    }

    function test_bench_realProofs() public {
        string memory files = vm.envOr("BENCH_REALGAS_FILES", string(""));
        if (bytes(files).length > 0) {
            string[] memory list = vm.split(files, ",");
            for (uint256 i = 0; i < list.length; i++) {
                _replay(list[i]);
            }
        }
        string memory spec = vm.envOr("BENCH_REALGAS_ESTIMATE", string(""));
        if (bytes(spec).length > 0) _estimateBase(spec);
    }
}
