// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script} from "forge-std/Script.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {AssetStorage} from "../src/L1/AssetStorage.sol";
import {DemoToken} from "../src/demo/DemoToken.sol";

/// @title DeployL1
/// @notice Deploys the L1 side: the generated Groth16 verifier (unless VERIFIER is given), AssetStorage (its
///         Poseidon libraries are deployed and linked by forge), and optionally a docked demo ERC-20. Writes
///         deployments/<chainId>.json and ends with assertions on the deployed state. See docs/deploy.md.
/// @dev Environment: SENDER_ADDRESS (required), GOVERNOR (default: the broadcaster; when it differs, ownership
///      is offered to it with Ownable2Step and it must call acceptOwnership), VERIFIER (optional),
///      TREE_DEPTH (16), BATCH_SIZE (4), PRIORITY_DEADLINE (seconds, 3 days), GENESIS_ROOT (optional: checked
///      against the empty-tree root computed here), DEMO_TOKEN (true/false, default false), DEPLOYMENTS_DIR.
contract DeployL1 is Script {
    /// @notice Result of a deployment, also written to deployments/<chainId>.json.
    struct Deployed {
        address assetStorage;
        address verifier;
        address demoToken;
        uint256 genesisRoot;
        uint256 deployBlock;
    }

    /// @notice Runs the deployment with the broadcaster given to `forge script` (--private-key or --account).
    function run() external returns (Deployed memory d) {
        address sender = vm.envAddress("SENDER_ADDRESS");
        uint8 depth = uint8(vm.envOr("TREE_DEPTH", uint256(16)));
        uint16 batchSize = uint16(vm.envOr("BATCH_SIZE", uint256(4)));
        uint64 deadline = uint64(vm.envOr("PRIORITY_DEADLINE", uint256(3 days)));
        bool demo = vm.envOr("DEMO_TOKEN", false);
        d.genesisRoot = emptyRoot(depth);
        uint256 expectedRoot = vm.envOr("GENESIS_ROOT", d.genesisRoot);
        require(expectedRoot == d.genesisRoot, "GENESIS_ROOT differs from the empty-tree root of TREE_DEPTH");
        d.deployBlock = block.number;

        vm.startBroadcast();
        address deployer = msg.sender;
        address governor = vm.envOr("GOVERNOR", deployer);
        d.verifier = vm.envOr("VERIFIER", address(0));
        if (d.verifier == address(0)) d.verifier = deployCode("BatchVerifier.sol:Groth16Verifier");
        AssetStorage store =
            new AssetStorage(deployer, sender, d.verifier, d.genesisRoot, depth, batchSize, deadline);
        if (demo) {
            DemoToken token = new DemoToken("Demo Token", "DEMO", deployer);
            store.dockToken(address(token));
            d.demoToken = address(token);
        }
        if (governor != deployer) store.transferOwnership(governor);
        vm.stopBroadcast();
        d.assetStorage = address(store);

        _assertDeployed(store, d, deployer, governor, sender, depth, batchSize, deadline);
        _write(d, depth, batchSize, deadline);
    }

    /// @notice Root of the all-zero state tree of `depth` levels (docs/protocol.md section 4).
    function emptyRoot(uint8 depth) public pure returns (uint256 node) {
        for (uint256 i = 0; i < depth; i++) {
            node = PoseidonT3.hash([node, node]);
        }
    }

    function _assertDeployed(
        AssetStorage store,
        Deployed memory d,
        address deployer,
        address governor,
        address sender,
        uint8 depth,
        uint16 batchSize,
        uint64 deadline
    ) internal view {
        require(store.owner() == deployer, "owner is not the deployer");
        if (governor != deployer) {
            require(store.pendingOwner() == governor, "governor was not offered ownership");
        }
        require(store.sender() == sender, "sender role");
        require(address(store.verifier()) == d.verifier && d.verifier.code.length > 0, "verifier");
        require(store.stateRoot() == d.genesisRoot, "genesis root");
        require(store.opChain() == 0 && store.batchCount() == 0 && store.depositCount() == 0, "fresh state");
        require(store.treeDepth() == depth && store.batchSize() == batchSize, "circuit parameters");
        require(store.priorityDeadline() == deadline, "priority deadline");
        require(!store.exodusMode(), "exodus");
        if (d.demoToken != address(0)) {
            require(store.tokenIdOf(d.demoToken) == 1, "demo token docked as id 1");
        }
    }

    function _write(Deployed memory d, uint8 depth, uint16 batchSize, uint64 deadline) internal {
        string memory c = "contracts";
        vm.serializeAddress(c, "AssetStorage", d.assetStorage);
        string memory contracts = vm.serializeAddress(c, "BatchVerifier", d.verifier);
        if (d.demoToken != address(0)) contracts = vm.serializeAddress(c, "DemoToken", d.demoToken);

        string memory p = "params";
        vm.serializeUint(p, "treeDepth", depth);
        vm.serializeUint(p, "batchSize", batchSize);
        vm.serializeString(p, "genesisRoot", vm.toString(d.genesisRoot));
        string memory params = vm.serializeUint(p, "priorityDeadline", deadline);

        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeString(o, "layer", "L1");
        vm.serializeUint(o, "deployBlock", d.deployBlock);
        vm.serializeString(o, "contracts", contracts);
        string memory json = vm.serializeString(o, "params", params);
        string memory dir = vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
