// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script} from "forge-std/Script.sol";
import {IHoldable} from "../src/L2/IHoldable.sol";
import {AssetReceiving} from "../src/L2/AssetReceiving.sol";
import {Escrow} from "../src/L2/examples/Escrow.sol";

/// @title DeployL2
/// @notice Deploys the L2 side: AssetReceiving and the example Escrow business contract. Writes
///         deployments/<chainId>.json and ends with assertions on the deployed state. See docs/deploy.md.
/// @dev Environment: RELAYER_ADDRESS (required), GOVERNOR (default: the broadcaster; when it differs,
///      ownership is offered with Ownable2Step), ESCROW (true/false, default true), DEPLOYMENTS_DIR.
contract DeployL2 is Script {
    /// @notice Runs the deployment with the broadcaster given to `forge script`.
    function run() external returns (address receiving, address escrow) {
        address relayer = vm.envAddress("RELAYER_ADDRESS");
        bool withEscrow = vm.envOr("ESCROW", true);
        uint256 deployBlock = block.number;

        vm.startBroadcast();
        address deployer = msg.sender;
        address governor = vm.envOr("GOVERNOR", deployer);
        AssetReceiving ledger = new AssetReceiving(deployer, relayer);
        if (withEscrow) escrow = address(new Escrow(IHoldable(address(ledger))));
        if (governor != deployer) ledger.transferOwnership(governor);
        vm.stopBroadcast();
        receiving = address(ledger);

        require(ledger.owner() == deployer, "owner is not the deployer");
        if (governor != deployer) {
            require(ledger.pendingOwner() == governor, "governor was not offered ownership");
        }
        require(ledger.relayer() == relayer, "relayer role");
        require(ledger.opCount() == 0 && ledger.opHead() == bytes32(0), "fresh op log");
        require(ledger.nextDepositId() == 0 && !ledger.halted(), "fresh state");
        if (withEscrow) require(address(Escrow(escrow).ledger()) == receiving, "escrow ledger");

        string memory c = "contracts";
        string memory contracts = vm.serializeAddress(c, "AssetReceiving", receiving);
        if (withEscrow) contracts = vm.serializeAddress(c, "Escrow", escrow);
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeString(o, "layer", "L2");
        vm.serializeUint(o, "deployBlock", deployBlock);
        vm.serializeString(o, "contracts", contracts);
        string memory json = vm.serializeString(o, "params", "{}");
        string memory dir = vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
