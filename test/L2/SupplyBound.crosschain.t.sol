// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "../L1/AssetStorageBase.sol";

/// @notice The supply bound of docs/protocol.md section 2 across both layers in one EVM: whatever deposits
///         L1 accepts, every one of them can be credited on L2 in queue order (no credit can fail for a
///         balance above 2^128 - 1, so no deposit can stall the queue), and the ones L1 refuses are the ones
///         L2 could not have credited.
contract SupplyBoundCrossChainTest is AssetStorageBase {
    AssetReceiving internal ledger;

    function setUp() public override {
        super.setUp();
        ledger = new AssetReceiving(
            governor, block.chainid, address(bridge), attesterSet, THRESHOLD, GOVERNANCE_DELAY
        );
    }

    /// @dev Up to 8 deposits of fuzzed amounts (many near 2^127) to at most two recipients, each credited
    ///      on L2 right away; every deposit L1 accepts is credited, and tokenSupply equals the L2 total.
    function testFuzz_everyAcceptedDepositIsCreditable(uint256 seed, uint8 n) public {
        n = uint8(bound(n, 1, 8));
        uint256 total;
        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint128 amount =
                r % 2 == 0 ? uint128(2 ** 127 + (r >> 200)) : uint128(bound(r >> 8, 1, type(uint128).max));
            address recipient = (r >> 100) % 2 == 0 ? alice : bob;
            vm.deal(carol, amount);
            vm.prank(carol);
            try bridge.depositETH{value: amount}(recipient) returns (uint64 id) {
                total += amount;
                BridgeProtocol.DepositRecord memory rec = _record(recipient, ETH, amount, carol);
                ledger.creditDeposit(id, rec, _attest(ledger.depositDigest(id, rec)));
            } catch (bytes memory err) {
                assertEq(
                    bytes4(err), IAssetStorage.TokenSupplyExceeded.selector, "only the supply bound refuses"
                );
                assertGt(total + amount, type(uint128).max, "refused only above the bound");
            }
            assertEq(bridge.tokenSupply(ETH), total);
            assertEq(
                ledger.balanceOf(alice, ETH) + ledger.balanceOf(bob, ETH),
                total,
                "every accepted deposit credited"
            );
            assertEq(ledger.nextDepositId(), bridge.depositCount(), "the queue never stalls");
        }
    }

    /// @dev The issue's case: two deposits of 2^127 to one recipient. Without the bound the second would be
    ///      queued and its credit would revert on L2 (BalanceCapExceeded), stalling every later request; with
    ///      it the second is refused on L1 and the next deposit is credited.
    function test_twoDepositsOf2To127_secondRefusedAndQueueFlows() public {
        (uint64 id0, BridgeProtocol.DepositRecord memory r0) = _depositETH(alice, bob, 2 ** 127);
        ledger.creditDeposit(id0, r0, _attest(ledger.depositDigest(id0, r0)));
        vm.deal(alice, 2 ** 127);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetStorage.TokenSupplyExceeded.selector, ETH, 2 ** 127, 2 ** 127)
        );
        bridge.depositETH{value: 2 ** 127}(bob);
        // what L2 would have said to the second credit
        BridgeProtocol.DepositRecord memory r1 = _record(bob, ETH, 2 ** 127, alice);
        bytes memory sigs = _attest(ledger.depositDigest(1, r1));
        vm.expectRevert(
            abi.encodeWithSignature("BalanceCapExceeded(address,uint256,uint256)", bob, 0, uint256(2 ** 128))
        );
        ledger.creditDeposit(1, r1, sigs);

        (uint64 id1, BridgeProtocol.DepositRecord memory r2) = _depositETH(carol, carol, 1 ether);
        assertEq(id1, 1);
        ledger.creditDeposit(id1, r2, _attest(ledger.depositDigest(id1, r2)));
        assertEq(ledger.balanceOf(carol, ETH), 1 ether);
    }
}
