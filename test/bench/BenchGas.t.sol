// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {Groth16Verifier} from "../../src/verifier/BatchVerifier.sol";
import {AssetStorageBase} from "../L1/AssetStorageBase.sol";
import {AcceptingVerifier} from "../L1/mocks/MockBatchVerifier.sol";
import {MockERC20} from "../L1/mocks/TestTokens.sol";
import {PoseidonTree} from "../L1/utils/PoseidonTree.sol";

/// @notice L1 gas figures for `make bench` (bench/gas.ts runs this file with `forge test --json` and parses
///         the `BENCH <key> exec=<gas> calldata=<gas>` lines). It is also an ordinary test: every measured
///         call is checked for its effect. No assertion depends on a gas figure.
/// @dev `exec` is the gas of the measured call (vm.lastCallGas, as in the gas snapshots); `calldata` is the
///      EIP-2028 cost of its calldata (16 per non-zero byte, 4 per zero byte). A transaction costs
///      21,000 + calldata + exec. Storage and accounts are made cold before each measurement (vm.cool), and
///      state is restored between compositions (vm.revertToState), so every figure is a first touch.
abstract contract BenchGasBase is AssetStorageBase {
    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i = 0; i < data.length; i++) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }

    function _report(string memory key, bytes memory data) internal view {
        uint256 exec = vm.lastCallGas().gasTotalUsed;
        console.log(
            string.concat(
                "BENCH ", key, " exec=", vm.toString(exec), " calldata=", vm.toString(_calldataGas(data))
            )
        );
    }

    /// @dev The calldata of the submitBatch that `_submitOps(bridge, ...)` sends.
    function _submitCalldata(
        uint256 newRoot,
        uint256 newChain,
        IAssetStorage.BatchSlot[] memory slots,
        bytes memory ops,
        uint256[8] memory proof_
    ) internal view returns (bytes memory) {
        uint64 count = _nextCount(bridge) - 1 + uint64(ops.length / OP_BYTES);
        bytes32 head = _foldOps(_storedHead(bridge), ops);
        bytes memory sigs = _attest(_batchDigest(bridge, _batchNumber(bridge), newChain, count, head));
        return abi.encodeCall(bridge.submitBatch, (newRoot, newChain, count, head, slots, ops, proof_, sigs));
    }

    function _cool() internal {
        vm.cool(address(bridge));
        vm.cool(address(token));
        vm.cool(address(bridge.verifier()));
    }
}

/// @notice submitBatch by batch size and composition (deposits d, withdrawals w, the rest transfers/no-ops,
///         which L1 sees the same way), with a verifier that accepts at once: AssetStorage's own work.
contract BenchSubmitBatchGasTest is BenchGasBase {
    IAssetStorage.BatchSlot[] internal credits;

    /// @dev A bridge of batch size n in steady state: one batch already proven (non-zero counters), n deposits
    ///      waiting. Returns a state snapshot id to go back to.
    function _steadyState(uint16 n) internal returns (uint256 snap) {
        vm.warp(START_TIME);
        _deploy(address(new AcceptingVerifier()), n, DEPTH, genesisRoot);
        token = new MockERC20("Token", "TKN");
        tokenId = _dock(address(token));
        delete credits;
        (, BridgeProtocol.DepositRecord memory first) = _depositETH(carol, carol, 1 ether);
        IAssetStorage.BatchSlot[] memory slots = _noops(n);
        slots[0] = _creditSlot(first);
        _submit(1, 1, slots);
        for (uint256 i = 0; i < n; i++) {
            address recipient = address(uint160(0xd000 + i));
            (, BridgeProtocol.DepositRecord memory rec) =
                i % 2 == 0 ? _depositETH(carol, recipient, 1 ether) : _depositToken(carol, recipient, 1000);
            credits.push(_creditSlot(rec));
        }
        snap = vm.snapshotState();
    }

    /// @dev d credits, then w withdrawals to distinct fresh recipients, then no-ops (transfers); the batch is
    ///      full, so it posts the data of n ops.
    function _measure(uint16 n, uint256 d, uint256 w) internal {
        IAssetStorage.BatchSlot[] memory slots = _noops(n);
        for (uint256 i = 0; i < d; i++) {
            slots[i] = credits[i];
        }
        for (uint256 i = 0; i < w; i++) {
            slots[d + i] = _withdrawSlot(i % 2 == 0 ? ETH : tokenId, address(uint160(0xe000 + i)), 1);
        }
        uint64 before = bridge.processedDeposits();
        uint64 stored = _nextCount(bridge) - 1;
        bytes memory ops = _fillerOps(stored, stored + n);
        bytes memory data = _submitCalldata(2, 2, slots, ops, proof);
        _cool();
        vm.prank(stranger);
        _submitOps(bridge, 2, 2, slots, ops, proof);
        _report(
            string.concat(
                "submitBatch/n=", vm.toString(uint256(n)), "/d=", vm.toString(d), "/w=", vm.toString(w)
            ),
            data
        );
        assertEq(bridge.batchCount(), 2, "batch applied");
        assertEq(bridge.processedDeposits(), before + d, "deposits consumed");
        if (w > 0) {
            assertEq(bridge.pendingWithdrawals(address(uint160(0xe000)), ETH), 1, "withdrawal queued");
        }
    }

    function _sweep(uint16 n, bool full) internal {
        uint256 snap = _steadyState(n);
        uint256 half = n / 2;
        for (uint256 d = 0; d <= n; d++) {
            for (uint256 w = 0; d + w <= n; w++) {
                bool corner = (d == 0 || d == half || d == n) && (w == 0 || w == half || d + w == n);
                if (!full && !corner) continue;
                vm.revertToState(snap);
                _measure(n, d, w);
            }
        }
    }

    /// @dev The cost of the op data alone: the same batch (n = 4, every slot a transfer, so L1 sees no-op
    ///      slots) posting the data of 1, 4, 16 and 64 ops. Keys `opData/ops=<k>`; the per-op figure is the
    ///      difference between two of them divided by the difference in ops.
    function test_bench_submitBatch_opData() public {
        uint256 snap = _steadyState(4);
        uint256[4] memory counts = [uint256(1), 4, 16, 64];
        for (uint256 c = 0; c < counts.length; c++) {
            vm.revertToState(snap);
            uint64 stored = _nextCount(bridge) - 1;
            // casting is safe: a handful of ops
            bytes memory ops = _fillerOps(stored, stored + uint64(counts[c]));
            bytes memory data = _submitCalldata(2, 2, _noops(4), ops, proof);
            _cool();
            vm.prank(stranger);
            vm.recordLogs();
            _submitOps(bridge, 2, 2, _noops(4), ops, proof);
            _report(string.concat("opData/ops=", vm.toString(counts[c])), data);
            assertEq(bridge.l2OpCount(), stored + counts[c], "every op posted");
            assertEq(vm.getRecordedLogs()[1].data, abi.encode(stored, ops), "BatchOps carries the op data");
        }
    }

    function test_bench_submitBatch_n1() public {
        _sweep(1, true);
    }

    function test_bench_submitBatch_n2() public {
        _sweep(2, true);
    }

    function test_bench_submitBatch_n4() public {
        _sweep(4, true);
    }

    function test_bench_submitBatch_n8() public {
        _sweep(8, false);
    }

    function test_bench_submitBatch_n16() public {
        _sweep(16, false);
    }

    function test_bench_submitBatch_n32() public {
        _sweep(32, false);
    }

    function test_bench_submitBatch_n64() public {
        _sweep(64, false);
    }
}

/// @notice The real generated verifier (src/verifier/BatchVerifier.sol, 8 public inputs: N = 4, K = 2) on the real-proof
///         fixture: submitBatch with it and with the accepting verifier on the same state, and verifyProof alone.
contract BenchVerifierGasTest is BenchGasBase {
    string internal constant FIXTURE = "test/fixtures/batch-d16-n4-k2.json";
    string internal json;
    uint256[8] internal realProof;
    IAssetStorage.BatchSlot[] internal slotsStore;

    function setUp() public override {
        json = vm.readFile(FIXTURE);
        uint256[] memory p = vm.parseJsonUintArray(json, ".proof");
        for (uint256 i = 0; i < 8; i++) {
            realProof[i] = p[i];
        }
        genesisRoot = vm.parseJsonUint(json, ".genesisRoot");
        uint256 records = vm.parseJsonUint(json, ".publicSlots");
        for (uint256 i = 0; i < records; i++) {
            string memory k = string.concat(".slots[", vm.toString(i), "]");
            slotsStore.push(
                IAssetStorage.BatchSlot({
                    kind: uint8(vm.parseJsonUint(json, string.concat(k, ".kind"))),
                    tokenId: uint32(vm.parseJsonUint(json, string.concat(k, ".tokenId"))),
                    account: vm.parseJsonAddress(json, string.concat(k, ".account")),
                    amount: uint128(vm.parseJsonUint(json, string.concat(k, ".amount"))),
                    depositor: vm.parseJsonAddress(json, string.concat(k, ".depositor")),
                    timestamp: uint64(vm.parseJsonUint(json, string.concat(k, ".timestamp")))
                })
            );
        }
    }

    /// @dev A bridge over `verifier_` (the fixture's K) with the fixture's token docked and its deposits queued.
    function _fixtureBridge(address verifier_) internal {
        vm.warp(START_TIME);
        _deployK(verifier_, BATCH, uint16(vm.parseJsonUint(json, ".publicSlots")), DEPTH, genesisRoot);
        token = new MockERC20("Token", "TKN");
        tokenId = _dock(address(token));
        for (uint256 d = 0; vm.keyExistsJson(json, string.concat(".deposits[", vm.toString(d), "]")); d++) {
            string memory k = string.concat(".deposits[", vm.toString(d), "]");
            address recipient = vm.parseJsonAddress(json, string.concat(k, ".recipient"));
            uint32 tid = uint32(vm.parseJsonUint(json, string.concat(k, ".tokenId")));
            uint128 amount = uint128(vm.parseJsonUint(json, string.concat(k, ".amount")));
            address depositor = vm.parseJsonAddress(json, string.concat(k, ".depositor"));
            vm.warp(vm.parseJsonUint(json, string.concat(k, ".timestamp")));
            _deposit(depositor, recipient, tid, amount);
        }
    }

    function _submitFixture(string memory key) internal {
        IAssetStorage.BatchSlot[] memory slots = slotsStore;
        uint256 newRoot = vm.parseJsonUint(json, ".newRoot");
        uint256 newChain = vm.parseJsonUint(json, ".newOpChain");
        bytes memory data = _submitCalldata(newRoot, newChain, slots, _nextOps(bridge), realProof);
        _cool();
        vm.prank(stranger);
        _submitTo(bridge, newRoot, newChain, slots, realProof);
        _report(key, data);
        assertEq(bridge.stateRoot(), newRoot, "fixture batch applied");
    }

    function test_bench_submitBatch_realVerifier() public {
        _fixtureBridge(address(new Groth16Verifier()));
        _submitFixture("submitBatchFixture/verifier=real/n=4");
    }

    function test_bench_submitBatch_acceptingVerifier() public {
        _fixtureBridge(address(new AcceptingVerifier()));
        _submitFixture("submitBatchFixture/verifier=accepting/n=4");
    }

    function test_bench_verifyProof_direct() public {
        Groth16Verifier v = new Groth16Verifier();
        uint256[] memory pub = vm.parseJsonUintArray(json, ".publicSignals");
        uint256[8] memory inputs;
        for (uint256 i = 0; i < 8; i++) {
            inputs[i] = pub[i];
        }
        uint256[2] memory pA = [realProof[0], realProof[1]];
        uint256[2][2] memory pB = [[realProof[2], realProof[3]], [realProof[4], realProof[5]]];
        uint256[2] memory pC = [realProof[6], realProof[7]];
        bytes memory data = abi.encodeCall(v.verifyProof, (pA, pB, pC, inputs));
        vm.cool(address(v));
        bool ok = v.verifyProof(pA, pB, pC, inputs);
        _report("verifyProof/inputs=8", data);
        assertTrue(ok, "the fixture proof verifies");
        // A wrong input costs the same (the pairing runs either way) and is rejected.
        inputs[1] = inputs[1] ^ 1;
        vm.cool(address(v));
        assertFalse(v.verifyProof(pA, pB, pC, inputs), "a changed input is rejected");
        _report("verifyProof/inputs=8/rejected", data);
    }
}

/// @notice User-side calls: deposits, claims (steady state as in the gas snapshots), exodus exit by tree depth
///         and cancelDeposit.
contract BenchUserGasTest is BenchGasBase {
    function test_bench_userCalls() public {
        _steadyState(1, 1);
        uint256 snap = vm.snapshotState();

        _cool();
        vm.prank(alice);
        bridge.depositETH{value: 1 ether}(bob);
        _report("depositETH", abi.encodeCall(bridge.depositETH, (bob)));
        assertEq(bridge.depositCount(), 3);

        vm.revertToState(snap);
        _cool();
        vm.prank(alice);
        bridge.depositERC20(address(token), 1 ether, bob);
        _report("depositERC20", abi.encodeCall(bridge.depositERC20, (address(token), 1 ether, bob)));
        assertEq(bridge.depositCount(), 3);

        vm.revertToState(snap);
        _cool();
        vm.prank(alice);
        bridge.requestWithdrawal(tokenId);
        _report("requestWithdrawal", abi.encodeCall(bridge.requestWithdrawal, (tokenId)));
        assertEq(bridge.depositCount(), 3);

        vm.revertToState(snap);
        _cool();
        vm.prank(alice);
        bridge.claim(ETH);
        _report("claim/ETH", abi.encodeCall(bridge.claim, (ETH)));
        assertEq(bridge.pendingWithdrawals(alice, ETH), 0);

        vm.revertToState(snap);
        _cool();
        vm.prank(alice);
        bridge.claim(tokenId);
        _report("claim/ERC20", abi.encodeCall(bridge.claim, (tokenId)));
        assertEq(bridge.pendingWithdrawals(alice, tokenId), 0);
    }

    /// @dev exit at `depth` (one Poseidon(3) leaf, `depth / 2` Poseidon(4) levels) and cancelDeposit, in exodus.
    function _exodus(uint8 depth) internal {
        vm.warp(START_TIME);
        _deploy(address(new AcceptingVerifier()), BATCH, depth, PoseidonTree.emptyRoot(depth));
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, alice, 2 ether);
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(bob, bob, 3 ether);
        uint256[] memory slots = new uint256[](2);
        uint256[] memory leaves = new uint256[](2);
        (slots[0], leaves[0]) = (0, PoseidonTree.leaf(carol, ETH, 1 ether));
        (slots[1], leaves[1]) = (5, PoseidonTree.leaf(alice, ETH, 1 ether));
        (uint256 root, uint256[] memory siblings) = PoseidonTree.build(depth, slots, leaves, 5);
        IAssetStorage.BatchSlot[] memory batch = _noops(PUBLIC);
        batch[0] = _creditSlot(d0);
        _submit(root, 1, batch);
        vm.warp(block.timestamp + DEADLINE);
        bridge.activateExodus();

        _cool();
        bridge.exit(5, alice, ETH, 1 ether, siblings);
        _report(
            string.concat("exit/depth=", vm.toString(uint256(depth))),
            abi.encodeCall(bridge.exit, (5, alice, ETH, 1 ether, siblings))
        );
        assertEq(bridge.pendingWithdrawals(alice, ETH), 1 ether);

        if (depth == DEPTH) {
            _cool();
            bridge.cancelDeposit(1, d1);
            _report("cancelDeposit", abi.encodeCall(bridge.cancelDeposit, (1, d1)));
            assertEq(bridge.pendingWithdrawals(bob, ETH), 3 ether);
        }
    }

    function test_bench_exodus_depth8() public {
        _exodus(8);
    }

    function test_bench_exodus_depth16() public {
        _exodus(16);
    }

    function test_bench_exodus_depth24() public {
        _exodus(24);
    }

    function test_bench_exodus_depth32() public {
        _exodus(32);
    }
}

/// @notice What each attester signature costs: submitBatch (L1) and creditDeposit (L2) with 1, 2 and 3
///         signatures from a set of 3 with threshold 1, so only the signature count changes (anchor:
///         Hyperlane's multisig ISM, 6.5k-7.4k gas per extra signature). Keys `attest/<call>/sigs=<k>`.
contract BenchAttestationGasTest is BenchGasBase {
    function test_bench_submitBatch_perSignature() public {
        IAssetStorage.DeployParams memory p = _params(address(new AcceptingVerifier()), BATCH, DEPTH);
        p.attesterThreshold = 1;
        bridge = new AssetStorage(governor, p);
        _submit(1, 1, _noops(PUBLIC)); // steady state: counters and head non-zero
        uint256 snap = vm.snapshotState();
        for (uint256 k = 1; k <= 3; k++) {
            vm.revertToState(snap);
            uint64 count = _nextCount(bridge);
            (bytes memory ops, bytes32 head) = (_nextOps(bridge), _nextHead(bridge));
            bytes memory sigs = _signBy(_batchDigest(bridge, 1, 2, count, head), _range(0, k));
            bytes memory data =
                abi.encodeCall(bridge.submitBatch, (2, 2, count, head, _noops(PUBLIC), ops, proof, sigs));
            _cool();
            bridge.submitBatch(2, 2, count, head, _noops(PUBLIC), ops, proof, sigs);
            _report(string.concat("attest/submitBatch/sigs=", vm.toString(k)), data);
            assertEq(bridge.batchCount(), 2, "batch applied");
        }
    }

    function test_bench_creditDeposit_perSignature() public {
        AssetReceiving ledger = new AssetReceiving(governor, 31_337, makeAddr("l1Storage"), attesterSet, 1, 1);
        BridgeProtocol.DepositRecord memory rec = BridgeProtocol.DepositRecord(alice, 0, 1 ether, alice, 1);
        ledger.creditDeposit(0, rec, _signBy(ledger.depositDigest(0, rec), _range(0, 1)));
        uint256 snap = vm.snapshotState();
        for (uint256 k = 1; k <= 3; k++) {
            vm.revertToState(snap);
            bytes memory sigs = _signBy(ledger.depositDigest(1, rec), _range(0, k));
            bytes memory data = abi.encodeCall(ledger.creditDeposit, (1, rec, sigs));
            vm.cool(address(ledger));
            ledger.creditDeposit(1, rec, sigs);
            _report(string.concat("attest/creditDeposit/sigs=", vm.toString(k)), data);
            assertEq(ledger.balanceOf(alice, 0), 2 ether, "credit applied");
        }
    }
}
