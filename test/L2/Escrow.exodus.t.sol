// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "../L1/AssetStorageBase.sol";
import {PoseidonTree} from "../L1/utils/PoseidonTree.sol";

/// @notice The exodus scenario of issue 18 across both layers: escrow deals are still open at the last
///         proven root; after exodus every buyer's exit on L1 includes the held amount, and nothing is
///         owed to the escrow's address. L2 runs the real ledger and escrow; the state tree is rebuilt
///         from the ledger's `OpLogged` events alone, by the rules of docs/protocol.md section 4 (slots
///         by first appearance, leaf Poseidon(owner, tokenId, balance)), and proven to L1 (mock
///         verifier) in batches whose slots follow section 8; then every leaf exits on L1.
contract EscrowExodusTest is AssetStorageBase {
    AssetReceiving internal ledger;
    Escrow internal escrow;
    address internal relayer = makeAddr("relayer");

    /// @dev One op of the L2 op log, as decoded from `OpLogged`.
    struct Op {
        uint8 kind;
        uint32 tokenId;
        address from;
        address to;
        uint128 amount;
    }

    /// @dev The mirrored state tree: slot k holds (owners[k], tokens[k], balances[k]).
    address[] internal owners;
    uint32[] internal tokens;
    uint128[] internal balances;

    function setUp() public override {
        super.setUp();
        // the L2 ledger of this L1 bridge, attested by the same M-of-N set
        ledger = new AssetReceiving(
            governor, block.chainid, address(bridge), attesterSet, THRESHOLD, GOVERNANCE_DELAY
        );
        escrow = new Escrow(ledger);
    }

    function test_exodus_openDealsExitToTheirBuyers() public {
        // L1 deposits: alice 10 ETH, bob 300 tokens, carol 1 ETH
        BridgeProtocol.DepositRecord[] memory recs = new BridgeProtocol.DepositRecord[](3);
        (, recs[0]) = _depositETH(alice, alice, 10 ether);
        (, recs[1]) = _depositToken(bob, bob, 300);
        (, recs[2]) = _depositETH(carol, carol, 1 ether);

        vm.recordLogs();
        for (uint64 i; i < 3; ++i) {
            vm.prank(relayer);
            ledger.creditDeposit(i, recs[i], _attest(ledger.depositDigest(i, recs[i])));
        }
        uint40 deadline = uint40(block.timestamp + 30 days);
        // alice (operator) opens 4 ETH for carol and 1 ETH for bob, and releases the second;
        // bob (allowance) opens 250 tokens for alice; carol withdraws half an ETH
        vm.startPrank(alice);
        ledger.setOperator(address(escrow), true);
        escrow.open(carol, ETH, 4 ether, deadline);
        uint256 paid = escrow.open(bob, ETH, 1 ether, deadline);
        escrow.release(paid);
        vm.stopPrank();
        vm.startPrank(bob);
        ledger.approve(address(escrow), tokenId, 250);
        escrow.open(alice, tokenId, 250, deadline);
        vm.stopPrank();
        vm.prank(carol);
        ledger.withdraw(ETH, 0.5 ether, carol);

        // the extractor's view: the op log only; prove it to L1 in batches of BATCH
        Op[] memory ops = _opsFromLogs(vm.getRecordedLogs());
        assertEq(ops.length, 5, "3 credits, 1 transfer (the released deal), 1 withdrawal; holds log nothing");
        _prove(ops, recs);
        assertEq(bridge.pendingWithdrawals(carol, ETH), 0.5 ether);

        // exodus at this root, with two deals still open
        assertEq(escrow.getDeal(0).amount, 4 ether);
        assertEq(uint8(escrow.getDeal(0).status), uint8(Escrow.Status.Open));
        assertEq(uint8(escrow.getDeal(2).status), uint8(Escrow.Status.Open));
        _enterExodus();
        ledger.haltForExodus(_attest(ledger.exodusDigest()));

        for (uint256 k; k < owners.length; ++k) {
            assertTrue(owners[k] != address(escrow), "the escrow owns no leaf");
            bridge.exit(k, owners[k], tokens[k], balances[k], _path(k));
        }
        // each buyer's exit includes what its open deal held
        assertEq(bridge.pendingWithdrawals(alice, ETH), 10 ether - 1 ether, "alice: 9 ETH, 4 of them held");
        assertEq(ledger.heldBalanceOf(alice, ETH), 4 ether);
        assertEq(bridge.pendingWithdrawals(bob, tokenId), 300, "bob: 300 tokens, 250 of them held");
        assertEq(ledger.heldBalanceOf(bob, tokenId), 250);
        assertEq(bridge.pendingWithdrawals(bob, ETH), 1 ether, "the released deal paid bob");
        assertEq(bridge.pendingWithdrawals(carol, ETH), 1 ether, "carol: 0.5 withdrawn + 0.5 exited");
        assertEq(bridge.pendingWithdrawals(address(escrow), ETH), 0, "nothing at the escrow");
        assertEq(bridge.pendingWithdrawals(address(escrow), tokenId), 0, "nothing at the escrow");

        vm.prank(alice);
        bridge.claim(ETH);
        assertEq(alice.balance, 9 ether);
        vm.prank(bob);
        bridge.claim(tokenId);
        assertEq(token.balanceOf(bob), 300);
        vm.prank(address(escrow));
        vm.expectRevert(abi.encodeWithSelector(IAssetStorage.NothingToClaim.selector, address(escrow), ETH));
        bridge.claim(ETH);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The ledger's ops in log order, from its `OpLogged` events.
    function _opsFromLogs(Vm.Log[] memory logs) internal view returns (Op[] memory ops) {
        ops = new Op[](logs.length);
        uint256 n;
        for (uint256 i; i < logs.length; ++i) {
            bool isOp =
                logs[i].emitter == address(ledger) && logs[i].topics[0] == IAssetReceiving.OpLogged.selector;
            if (!isOp) continue;
            (address from, address to, uint128 amount,) =
                abi.decode(logs[i].data, (address, address, uint128, bytes32));
            ops[n++] = Op({
                kind: uint8(uint256(logs[i].topics[2])),
                tokenId: uint32(uint256(logs[i].topics[3])),
                from: from,
                to: to,
                amount: amount
            });
        }
        assembly ("memory-safe") {
            mstore(ops, n)
        }
    }

    /// @dev Applies the ops to the mirror and submits one batch per BATCH ops, with section 8 slots.
    function _prove(Op[] memory ops, BridgeProtocol.DepositRecord[] memory recs) internal {
        uint256 credits;
        for (uint256 first; first < ops.length; first += BATCH) {
            IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
            for (uint256 i; i < BATCH && first + i < ops.length; ++i) {
                Op memory op = ops[first + i];
                if (op.kind != 1) _debit(op.from, op.tokenId, op.amount);
                if (op.kind != 3) _creditTo(op.to, op.tokenId, op.amount);
                if (op.kind == 1) slots[i] = _creditSlot(recs[credits++]);
                if (op.kind == 3) slots[i] = _withdrawSlot(op.tokenId, op.to, op.amount);
            }
            _submit(_root(), first + 1, slots);
        }
        assertEq(bridge.stateRoot(), _root());
    }

    function _slot(address owner, uint32 tokenId_) internal returns (uint256) {
        for (uint256 k; k < owners.length; ++k) {
            if (owners[k] == owner && tokens[k] == tokenId_) return k;
        }
        owners.push(owner);
        tokens.push(tokenId_);
        balances.push(0);
        return owners.length - 1;
    }

    function _debit(address owner, uint32 tokenId_, uint128 amount) internal {
        uint256 k = _slot(owner, tokenId_);
        require(balances[k] >= amount, "mirror underflow");
        balances[k] -= amount;
    }

    function _creditTo(address owner, uint32 tokenId_, uint128 amount) internal {
        balances[_slot(owner, tokenId_)] += amount;
    }

    function _leaves() internal view returns (uint256[] memory slots, uint256[] memory leaves) {
        slots = new uint256[](owners.length);
        leaves = new uint256[](owners.length);
        for (uint256 k; k < owners.length; ++k) {
            slots[k] = k;
            leaves[k] = PoseidonTree.leaf(owners[k], tokens[k], balances[k]);
        }
    }

    function _root() internal view returns (uint256) {
        (uint256[] memory slots, uint256[] memory leaves) = _leaves();
        return PoseidonTree.rootOf(DEPTH, slots, leaves);
    }

    function _path(uint256 slot) internal view returns (uint256[] memory siblings) {
        (uint256[] memory slots, uint256[] memory leaves) = _leaves();
        (, siblings) = PoseidonTree.build(DEPTH, slots, leaves, slot);
    }
}
