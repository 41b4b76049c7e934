// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @notice Gas snapshots (snapshots/AssetStorage.json) of AssetStorage's own work: the verifier is
///         AcceptingVerifier, so submitBatch figures exclude the Groth16 verification (about 181k of
///         pairings plus about 6.5k per public input with the real verifier). Each test makes one measured
///         call on state prepared in setUp, so storage is cold as in a real transaction.
contract AssetStorageGasTest is AssetStorageBase {
    BridgeProtocol.DepositRecord[] internal queued;

    function setUp() public override {
        super.setUp();
        // Steady state: earlier deposits exist (4 ETH, then 5 token), one batch consumed the first two
        // and left alice pending withdrawals.
        BridgeProtocol.DepositRecord[] memory deposits = _steadyState(4, 5);
        for (uint256 i = 0; i < deposits.length; i++) {
            queued.push(deposits[i]);
        }
    }

    function test_gas_depositETH() public {
        vm.prank(alice);
        bridge.depositETH{value: 1 ether}(bob);
        vm.snapshotGasLastCall("AssetStorage", "depositETH");
    }

    function test_gas_depositERC20() public {
        vm.prank(alice);
        bridge.depositERC20(address(token), 1 ether, bob);
        vm.snapshotGasLastCall("AssetStorage", "depositERC20");
    }

    function test_gas_requestWithdrawal() public {
        vm.prank(alice);
        bridge.requestWithdrawal(tokenId);
        vm.snapshotGasLastCall("AssetStorage", "requestWithdrawal");
    }

    function test_gas_submitBatch_4noops() public {
        vm.prank(stranger);
        _submitTo(bridge, 2, 2, _noops(PUBLIC), proof);
        vm.snapshotGasLastCall("AssetStorage", "submitBatch_4noops");
    }

    function test_gas_submitBatch_4withdrawals() public {
        IAssetStorage.BatchSlot[] memory slots = new IAssetStorage.BatchSlot[](BATCH);
        slots[0] = _withdrawSlot(ETH, bob, 1 ether);
        slots[1] = _withdrawSlot(ETH, carol, 1 ether);
        slots[2] = _withdrawSlot(tokenId, bob, 1 ether);
        slots[3] = _withdrawSlot(tokenId, alice, 1 ether);
        vm.prank(stranger);
        _submitTo(bridge, 2, 2, slots, proof);
        vm.snapshotGasLastCall("AssetStorage", "submitBatch_4withdrawals");
    }

    function test_gas_submitBatch_4deposits() public {
        IAssetStorage.BatchSlot[] memory slots = new IAssetStorage.BatchSlot[](BATCH);
        for (uint256 i = 0; i < BATCH; i++) {
            slots[i] = _creditSlot(queued[2 + i]);
        }
        vm.prank(stranger);
        _submitTo(bridge, 2, 2, slots, proof);
        vm.snapshotGasLastCall("AssetStorage", "submitBatch_4deposits");
    }

    function test_gas_claimETH() public {
        vm.prank(alice);
        bridge.claim(ETH);
        vm.snapshotGasLastCall("AssetStorage", "claim_ETH");
    }

    function test_gas_claimERC20() public {
        vm.prank(alice);
        bridge.claim(tokenId);
        vm.snapshotGasLastCall("AssetStorage", "claim_ERC20");
    }
}

/// @notice Gas snapshots of the exodus paths (depth 16): exit walks 8 Poseidon(4) levels (4-ary tree, 24
///         siblings) after one Poseidon(3) leaf.
contract AssetStorageExodusGasTest is AssetStorageBase {
    uint256[] internal path;
    BridgeProtocol.DepositRecord internal unprocessed;

    function setUp() public override {
        super.setUp();
        (, BridgeProtocol.DepositRecord memory d0) = _depositETH(alice, alice, 2 ether);
        (, BridgeProtocol.DepositRecord memory d1) = _depositETH(bob, bob, 3 ether);
        unprocessed = d1;

        uint256[] memory slots = new uint256[](2);
        uint256[] memory leaves = new uint256[](2);
        (slots[0], leaves[0]) = (0, PoseidonTree.leaf(carol, ETH, 1 ether));
        (slots[1], leaves[1]) = (0x1234, PoseidonTree.leaf(alice, ETH, 1 ether));
        (uint256 root, uint256[] memory siblings) = PoseidonTree.build(DEPTH, slots, leaves, 0x1234);
        path = siblings;

        IAssetStorage.BatchSlot[] memory batch = _noops(PUBLIC);
        batch[0] = _creditSlot(d0);
        _submit(root, 1, batch);
        vm.warp(block.timestamp + DEADLINE);
        bridge.activateExodus();
    }

    function test_gas_exit_depth16() public {
        bridge.exit(0x1234, alice, ETH, 1 ether, path);
        vm.snapshotGasLastCall("AssetStorage", "exit_depth16");
        assertEq(bridge.pendingWithdrawals(alice, ETH), 1 ether);
    }

    function test_gas_cancelDeposit() public {
        bridge.cancelDeposit(1, unprocessed);
        vm.snapshotGasLastCall("AssetStorage", "cancelDeposit");
        assertEq(bridge.pendingWithdrawals(bob, ETH), 3 ether);
    }
}
