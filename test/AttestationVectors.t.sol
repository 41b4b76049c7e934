// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {AssetStorage} from "../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../src/L1/IAssetStorage.sol";
import {AssetReceiving} from "../src/L2/AssetReceiving.sol";
import {BridgeProtocol} from "../src/libraries/BridgeProtocol.sol";
import {AcceptingVerifier} from "./L1/mocks/MockBatchVerifier.sol";

/// @notice The contracts' EIP-712 domain separators and digests equal test/vectors/attestations.json, which
///         the TypeScript core (offchain/lib/attestation.ts) generates and checks too; the vectors' packed
///         signatures of three signers pass the contracts' signature check.
/// @dev Each contract is deployed anywhere, then its code and storage are copied to the vector's
///      `verifyingContract` on the vector's chain id: EIP-712 recomputes the domain for that address.
contract AttestationVectorsTest is Test {
    string internal json;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/attestations.json"));
    }

    function _k(string memory kind, uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(".", kind, "[", vm.toString(i), "].", field);
    }

    function _count(string memory kind) internal view returns (uint256 n) {
        while (vm.keyExistsJson(json, string.concat(".", kind, "[", vm.toString(n), "]"))) n++;
    }

    /// @dev The vector signers, ascending by address.
    function _signers() internal view returns (address[] memory s) {
        s = new address[](3);
        for (uint256 i = 0; i < 3; i++) {
            s[i] = vm.parseJsonAddress(json, string.concat(".signers[", vm.toString(i), "].address"));
        }
        for (uint256 i = 1; i < 3; i++) {
            for (uint256 j = i; j > 0 && s[j] < s[j - 1]; j--) {
                (s[j], s[j - 1]) = (s[j - 1], s[j]);
            }
        }
    }

    /// @dev Moves `deployed`'s code and storage to `target`.
    function _moveTo(address deployed, address target) internal {
        vm.etch(target, deployed.code);
        vm.copyStorage(deployed, target);
    }

    function test_batchVectors() public {
        uint256 n = _count("batch");
        assertGt(n, 0);
        for (uint256 i = 0; i < n; i++) {
            vm.chainId(vm.parseJsonUint(json, _k("batch", i, "domain.chainId")));
            IAssetStorage.DeployParams memory p = IAssetStorage.DeployParams({
                verifier: address(new AcceptingVerifier()),
                treeDepth: 4,
                batchSize: 1,
                priorityDeadline: 1,
                l2ChainId: vm.parseJsonUint(json, _k("batch", i, "message.l2ChainId")),
                l2Ledger: vm.parseJsonAddress(json, _k("batch", i, "message.l2Ledger")),
                attesters: _signers(),
                attesterThreshold: 3,
                governanceDelay: 1
            });
            address target = vm.parseJsonAddress(json, _k("batch", i, "domain.verifyingContract"));
            _moveTo(address(new AssetStorage(address(this), p)), target);
            AssetStorage store = AssetStorage(target);
            assertEq(store.domainSeparator(), vm.parseJsonBytes32(json, _k("batch", i, "domainSeparator")));
            uint64 batchNumber = uint64(vm.parseJsonUint(json, _k("batch", i, "message.batchNumber")));
            uint256 chain = vm.parseJsonUint(json, _k("batch", i, "message.newOpChain"));
            uint64 count = uint64(vm.parseJsonUint(json, _k("batch", i, "message.l2OpCount")));
            bytes32 head = vm.parseJsonBytes32(json, _k("batch", i, "message.l2OpHead"));
            assertEq(
                store.batchDigest(batchNumber, chain, count, head),
                vm.parseJsonBytes32(json, _k("batch", i, "digest"))
            );
            if (batchNumber == 0 && chain < BridgeProtocol.FIELD_MODULUS) {
                bytes memory packed = vm.parseJsonBytes(json, _k("batch", i, "packed"));
                store.submitBatch(
                    1,
                    chain,
                    count,
                    head,
                    new IAssetStorage.BatchSlot[](1),
                    [uint256(0), 0, 0, 0, 0, 0, 0, 0],
                    packed
                );
                assertEq(store.l2OpHead(), head, "the vector's packed signatures were accepted");
            }
        }
    }

    function test_depositAndExodusVectors() public {
        uint256 n = _count("deposit");
        assertGt(n, 0);
        for (uint256 i = 0; i < n; i++) {
            AssetReceiving ledger = _ledgerFor("deposit", i);
            assertEq(ledger.domainSeparator(), vm.parseJsonBytes32(json, _k("deposit", i, "domainSeparator")));
            BridgeProtocol.DepositRecord memory rec = BridgeProtocol.DepositRecord({
                recipient: vm.parseJsonAddress(json, _k("deposit", i, "message.recipient")),
                tokenId: uint32(vm.parseJsonUint(json, _k("deposit", i, "message.tokenId"))),
                amount: uint128(vm.parseJsonUint(json, _k("deposit", i, "message.amount"))),
                depositor: vm.parseJsonAddress(json, _k("deposit", i, "message.depositor")),
                timestamp: uint64(vm.parseJsonUint(json, _k("deposit", i, "message.timestamp")))
            });
            uint64 id = uint64(vm.parseJsonUint(json, _k("deposit", i, "message.depositId")));
            assertEq(ledger.depositDigest(id, rec), vm.parseJsonBytes32(json, _k("deposit", i, "digest")));
            if (id == 0 && rec.recipient != address(0) && rec.amount != 0) {
                ledger.creditDeposit(id, rec, vm.parseJsonBytes(json, _k("deposit", i, "packed")));
                assertEq(
                    ledger.balanceOf(rec.recipient, rec.tokenId), rec.amount, "packed signatures accepted"
                );
            }
        }
        n = _count("exodus");
        assertGt(n, 0);
        for (uint256 i = 0; i < n; i++) {
            AssetReceiving ledger = _ledgerFor("exodus", i);
            assertEq(ledger.exodusDigest(), vm.parseJsonBytes32(json, _k("exodus", i, "digest")));
            ledger.haltForExodus(vm.parseJsonBytes(json, _k("exodus", i, "packed")));
            assertTrue(ledger.halted(), "packed exodus signatures accepted");
        }
    }

    function _ledgerFor(string memory kind, uint256 i) internal returns (AssetReceiving) {
        vm.chainId(vm.parseJsonUint(json, _k(kind, i, "domain.chainId")));
        AssetReceiving fresh = new AssetReceiving(
            address(this),
            vm.parseJsonUint(json, _k(kind, i, "message.l1ChainId")),
            vm.parseJsonAddress(json, _k(kind, i, "message.l1Storage")),
            _signers(),
            3,
            1
        );
        address target = vm.parseJsonAddress(json, _k(kind, i, "domain.verifyingContract"));
        vm.etch(target, "");
        for (uint256 slot = 0; slot < 16; slot++) {
            vm.store(target, bytes32(slot), bytes32(0)); // a fresh ledger each time: no halt, no credit left over
        }
        _moveTo(address(fresh), target);
        return AssetReceiving(target);
    }
}
