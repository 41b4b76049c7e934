// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {L2Base} from "./L2Base.sol";

/// @notice The shared op-log vectors (test/vectors/oplog.json, written by `make vectors`) replayed
///         through the real contract: credits and forced withdrawals relayed with attestations,
///         transfers and withdrawals by their owners; after every op the stored head, the `OpLogged` event and the vector's `logHead`
///         must agree. The same heads are also checked through `BridgeProtocol.nextOpHead`.
contract AssetReceivingVectorsTest is L2Base {
    string internal constant PATH = "test/vectors/oplog.json";

    /// @dev One op of the vector file.
    struct VectorOp {
        uint8 kind;
        uint32 tokenId;
        address from;
        address to;
        uint128 amount;
        bytes32 logHead;
    }

    string internal json;
    VectorOp[] internal ops;

    function setUp() public override {
        super.setUp();
        json = vm.readFile(PATH);
        assertEq(vm.parseJsonBytes32(json, ".initialLogHead"), bytes32(0), "initialLogHead");
        for (uint256 i; vm.keyExistsJson(json, _key(i, "")); ++i) {
            assertEq(vm.parseJsonUint(json, _key(i, ".index")), i, "index");
            ops.push(
                VectorOp({
                    kind: uint8(vm.parseJsonUint(json, _key(i, ".kind"))),
                    tokenId: _toUint32(_dec(i, ".tokenId")),
                    from: vm.parseJsonAddress(json, _key(i, ".from")),
                    to: vm.parseJsonAddress(json, _key(i, ".to")),
                    amount: _toUint128(_dec(i, ".amount")),
                    logHead: vm.parseJsonBytes32(json, _key(i, ".logHead"))
                })
            );
        }
        assertGt(ops.length, 0, "no ops in the vector file");
    }

    /// @notice Every vector head equals the chain computed with the shared library.
    function test_vectors_libraryHeads() public view {
        bytes32 head;
        for (uint256 i; i < ops.length; ++i) {
            VectorOp memory op = ops[i];
            head = BridgeProtocol.nextOpHead(head, op.kind, op.tokenId, op.from, op.to, op.amount);
            assertEq(head, op.logHead, string.concat("library head of op ", vm.toString(i)));
        }
    }

    /// @notice Replays every vector op through the contract and compares heads after each one.
    /// @dev The vector sequence is a valid L2 history (credits come before the balances they fund),
    ///      so every op must replay; an infeasible op fails the test with its index.
    function test_vectors_replayThroughContract() public {
        for (uint256 i; i < ops.length; ++i) {
            VectorOp memory op = ops[i];
            string memory where = string.concat("op ", vm.toString(i));

            vm.recordLogs();
            if (op.kind == CREDIT) {
                assertEq(op.from, address(0), where);
                uint64 depositId = ledger.nextDepositId();
                vm.prank(relayer);
                _creditAt(depositId, op.to, op.tokenId, op.amount);
            } else if (op.kind == TRANSFER) {
                vm.prank(op.from);
                ledger.transfer(op.to, op.tokenId, op.amount);
            } else if (op.kind == WITHDRAW) {
                vm.prank(op.from);
                ledger.withdraw(op.tokenId, op.amount, op.to);
            } else if (op.kind == BridgeProtocol.KIND_FORCED_WITHDRAW) {
                // The ledger decides the amount (the spendable balance): the vector's amount must match it.
                assertEq(op.to, op.from, where);
                _forceAt(ledger.nextDepositId(), op.from, op.tokenId);
            } else {
                revert(string.concat("unknown kind at ", where));
            }
            _assertOpLogged(i, op);

            assertEq(ledger.opHead(), op.logHead, where);
            assertEq(ledger.opCount(), i + 1, where);
        }
    }

    /// @dev Serves forced withdrawal request `requestId` of `owner` with an attestation of the ledger's own digest.
    function _forceAt(uint64 requestId, address owner, uint32 tokenId) internal {
        BridgeProtocol.WithdrawalRequestRecord memory rec =
            BridgeProtocol.WithdrawalRequestRecord({owner: owner, tokenId: tokenId, timestamp: DEPOSIT_TIME});
        ledger.forceWithdrawal(requestId, rec, _attest(ledger.withdrawalRequestDigest(requestId, rec)));
    }

    /// @dev The single `OpLogged` of the last call carries index `i`, the op's fields and its head.
    function _assertOpLogged(uint256 i, VectorOp memory op) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(ledger) || logs[k].topics[0] != IAssetReceiving.OpLogged.selector)
            {
                continue;
            }
            ++found;
            assertEq(uint256(logs[k].topics[1]), i, "event opIndex");
            assertEq(uint256(logs[k].topics[2]), op.kind, "event kind");
            assertEq(uint256(logs[k].topics[3]), op.tokenId, "event tokenId");
            (address from, address to, uint128 amount, bytes32 head) =
                abi.decode(logs[k].data, (address, address, uint128, bytes32));
            assertEq(from, op.from, "event from");
            assertEq(to, op.to, "event to");
            assertEq(amount, op.amount, "event amount");
            assertEq(head, op.logHead, "event head");
        }
        assertEq(found, 1, "one OpLogged per op");
    }

    function _key(uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(".ops[", vm.toString(i), "]", field);
    }

    /// @dev Big numbers are decimal strings in the vector files.
    function _dec(uint256 i, string memory field) internal view returns (uint256) {
        return vm.parseUint(vm.parseJsonString(json, _key(i, field)));
    }

    function _toUint32(uint256 v) internal pure returns (uint32) {
        assertLe(v, type(uint32).max, "tokenId out of range");
        // casting is safe: checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint32(v);
    }

    function _toUint128(uint256 v) internal pure returns (uint128) {
        assertLe(v, type(uint128).max, "amount out of range");
        // casting is safe: checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint128(v);
    }
}
