// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script} from "forge-std/Script.sol";
import {IHoldable} from "../src/L2/IHoldable.sol";
import {AssetReceiving} from "../src/L2/AssetReceiving.sol";
import {Escrow} from "../src/L2/examples/Escrow.sol";

/// @title DeployL2
/// @notice Deploys the L2 side: AssetReceiving and the example Escrow business contract. Writes
///         deployments/<chainId>.json and ends with assertions on the deployed state. See docs/deploy.md.
/// @dev Environment: L1_CHAIN_ID, L1_STORAGE, ATTESTERS (comma-separated, strictly ascending) and
///      ATTESTER_THRESHOLD are required. L2_LEDGER (optional: the address L1 was deployed with; the ledger
///      must land there, so the broadcaster's nonce must be the one it was computed from), GOVERNOR
///      (default: the broadcaster; when it differs, ownership is offered with Ownable2Step),
///      GOVERNANCE_DELAY (seconds, default 3 days), METADATA_RELAYER (optional: may set token metadata),
///      ESCROW (true/false, default true), DEPLOYMENTS_DIR (created when missing).
contract DeployL2 is Script {
    /// @notice What the ledger is deployed with (read from the environment).
    struct Params {
        uint256 l1ChainId;
        address l1Storage;
        address[] attesters;
        uint8 threshold;
        uint64 governanceDelay;
        address metadataRelayer;
        bool withEscrow;
    }

    /// @notice Runs the deployment with the broadcaster given to `forge script`.
    function run() external returns (address receiving, address escrow) {
        Params memory p = _params();
        uint256 deployBlock = block.number;

        vm.startBroadcast();
        address deployer = msg.sender;
        address governor = vm.envOr("GOVERNOR", deployer);
        AssetReceiving ledger = new AssetReceiving(
            deployer, p.l1ChainId, p.l1Storage, p.attesters, p.threshold, p.governanceDelay
        );
        if (p.metadataRelayer != address(0)) ledger.setMetadataRelayer(p.metadataRelayer);
        if (p.withEscrow) escrow = address(new Escrow(IHoldable(address(ledger))));
        if (governor != deployer) ledger.transferOwnership(governor);
        vm.stopBroadcast();
        receiving = address(ledger);

        _assertDeployed(ledger, escrow, p, deployer, governor);
        _write(receiving, escrow, p, deployBlock);
    }

    function _params() internal view returns (Params memory p) {
        p.l1ChainId = vm.envUint("L1_CHAIN_ID");
        p.l1Storage = vm.envAddress("L1_STORAGE");
        p.attesters = vm.envAddress("ATTESTERS", ",");
        p.threshold = uint8(vm.envUint("ATTESTER_THRESHOLD"));
        p.governanceDelay = uint64(vm.envOr("GOVERNANCE_DELAY", uint256(3 days)));
        p.metadataRelayer = vm.envOr("METADATA_RELAYER", address(0));
        p.withEscrow = vm.envOr("ESCROW", true);
    }

    function _assertDeployed(
        AssetReceiving ledger,
        address escrow,
        Params memory p,
        address deployer,
        address governor
    ) internal view {
        address receiving = address(ledger);
        string memory expected = vm.envOr("L2_LEDGER", string(""));
        if (bytes(expected).length != 0) {
            require(
                receiving == vm.parseAddress(expected), "the ledger is not at L2_LEDGER, which L1 expects"
            );
        }
        require(ledger.owner() == deployer, "owner is not the deployer");
        if (governor != deployer) {
            require(ledger.pendingOwner() == governor, "governor was not offered ownership");
        }
        require(ledger.l1ChainId() == p.l1ChainId && ledger.l1Storage() == p.l1Storage, "L1 source");
        require(keccak256(abi.encode(ledger.attesters())) == keccak256(abi.encode(p.attesters)), "attesters");
        require(ledger.attesterThreshold() == p.threshold, "attester threshold");
        require(ledger.governanceDelay() == p.governanceDelay, "governance delay");
        require(ledger.metadataRelayer() == p.metadataRelayer, "metadata relayer");
        require(ledger.opCount() == 0 && ledger.opHead() == bytes32(0), "fresh op log");
        require(ledger.nextDepositId() == 0 && !ledger.halted(), "fresh state");
        if (p.withEscrow) require(address(Escrow(escrow).ledger()) == receiving, "escrow ledger");
    }

    function _write(address receiving, address escrow, Params memory p, uint256 deployBlock) internal {
        string memory c = "contracts";
        string memory contracts = vm.serializeAddress(c, "AssetReceiving", receiving);
        if (p.withEscrow) contracts = vm.serializeAddress(c, "Escrow", escrow);
        string memory q = "params";
        vm.serializeAddress(q, "attesters", p.attesters);
        vm.serializeUint(q, "attesterThreshold", p.threshold);
        vm.serializeUint(q, "governanceDelay", p.governanceDelay);
        vm.serializeUint(q, "l1ChainId", p.l1ChainId);
        string memory params = vm.serializeAddress(q, "l1Storage", p.l1Storage);
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeString(o, "layer", "L2");
        vm.serializeUint(o, "deployBlock", deployBlock);
        vm.serializeString(o, "contracts", contracts);
        string memory json = vm.serializeString(o, "params", params);
        string memory dir = vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
