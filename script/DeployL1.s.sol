// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script} from "forge-std/Script.sol";
import {AssetStorage} from "../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../src/L1/IAssetStorage.sol";
import {DemoToken} from "../src/demo/DemoToken.sol";
import {StateTree} from "../src/libraries/StateTree.sol";

/// @title DeployL1
/// @notice Deploys the L1 side: the generated Groth16 verifier (unless VERIFIER is given), AssetStorage (its
///         Poseidon libraries are deployed and linked by forge; it computes the genesis root itself), and
///         optionally a docked demo ERC-20. Writes deployments/<chainId>.json and ends with assertions on the
///         deployed state. See docs/deploy.md.
/// @dev Environment: ATTESTERS (comma-separated, strictly ascending), ATTESTER_THRESHOLD, L2_CHAIN_ID and
///      L2_LEDGER (the address the L2 ledger will have: the CREATE address of the L2 deployer at its next
///      nonce) are required. GOVERNOR (default: the broadcaster; when it differs, ownership is offered to it
///      with Ownable2Step and it must call acceptOwnership), VERIFIER (optional), TREE_DEPTH (16), BATCH_SIZE
///      (4), PUBLIC_SLOTS (2: the circuit's K), PRIORITY_DEADLINE (seconds, 3 days), GOVERNANCE_DELAY (seconds, default 3 days; at least
///      PRIORITY_DEADLINE), GENESIS_ROOT (optional: checked against the root the contract computes),
///      DEMO_TOKEN (true/false, default false), DEPLOYMENTS_DIR (created when missing),
///      ALLOW_DEV_VERIFIER (true to deploy the development verifier, whose toxic waste is public, on a
///      chain other than anvil's 31337/31338: never on a real network).
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
        IAssetStorage.DeployParams memory p = _params();
        bool demo = vm.envOr("DEMO_TOKEN", false);
        d.genesisRoot = emptyRoot(p.treeDepth);
        uint256 expectedRoot = vm.envOr("GENESIS_ROOT", d.genesisRoot);
        require(expectedRoot == d.genesisRoot, "GENESIS_ROOT differs from the empty-tree root of TREE_DEPTH");
        d.deployBlock = block.number;
        _refuseDevVerifier(p.verifier);

        vm.startBroadcast();
        address deployer = msg.sender;
        address governor = vm.envOr("GOVERNOR", deployer);
        if (p.verifier == address(0)) p.verifier = deployCode("BatchVerifier.sol:Groth16Verifier");
        d.verifier = p.verifier;
        AssetStorage store = new AssetStorage(deployer, p);
        if (demo) {
            DemoToken token = new DemoToken("Demo Token", "DEMO", deployer);
            store.dockToken(address(token));
            d.demoToken = address(token);
        }
        if (governor != deployer) store.transferOwnership(governor);
        vm.stopBroadcast();
        d.assetStorage = address(store);

        _assertDeployed(store, d, p, deployer, governor);
        _write(d, p);
    }

    /// @notice Root of the all-zero state tree of `depth` levels (docs/protocol.md section 4).
    function emptyRoot(uint8 depth) public pure returns (uint256) {
        return StateTree.emptyRoot(depth);
    }

    /// @notice Whether `chainId` is one of the local anvil chains the development verifier may go on.
    function isDevChain(uint256 chainId) public pure returns (bool) {
        return chainId == 31_337 || chainId == 31_338;
    }

    function _params() internal view returns (IAssetStorage.DeployParams memory p) {
        p.verifier = vm.envOr("VERIFIER", address(0));
        p.treeDepth = uint8(vm.envOr("TREE_DEPTH", uint256(16)));
        p.batchSize = uint16(vm.envOr("BATCH_SIZE", uint256(4)));
        p.publicSlots = uint16(vm.envOr("PUBLIC_SLOTS", uint256(2)));
        p.priorityDeadline = uint64(vm.envOr("PRIORITY_DEADLINE", uint256(3 days)));
        p.l2ChainId = vm.envUint("L2_CHAIN_ID");
        p.l2Ledger = vm.envAddress("L2_LEDGER");
        p.attesters = vm.envAddress("ATTESTERS", ",");
        p.attesterThreshold = uint8(vm.envUint("ATTESTER_THRESHOLD"));
        p.governanceDelay = uint64(vm.envOr("GOVERNANCE_DELAY", uint256(3 days)));
    }

    /// @dev The development verifier's keys come from a public seed: anyone can forge its proofs.
    function _refuseDevVerifier(address given) internal view {
        if (isDevChain(block.chainid) || vm.envOr("ALLOW_DEV_VERIFIER", false)) return;
        require(given != address(0), "refusing to deploy the development verifier off anvil: set VERIFIER");
        bytes32 devCodeHash = keccak256(vm.getDeployedCode("BatchVerifier.sol:Groth16Verifier"));
        require(given.codehash != devCodeHash, "VERIFIER is the development verifier (public toxic waste)");
    }

    function _assertDeployed(
        AssetStorage store,
        Deployed memory d,
        IAssetStorage.DeployParams memory p,
        address deployer,
        address governor
    ) internal view {
        require(store.owner() == deployer, "owner is not the deployer");
        if (governor != deployer) {
            require(store.pendingOwner() == governor, "governor was not offered ownership");
        }
        require(address(store.verifier()) == d.verifier && d.verifier.code.length > 0, "verifier");
        require(store.stateRoot() == d.genesisRoot && store.genesisRoot() == d.genesisRoot, "genesis root");
        require(store.opChain() == 0 && store.batchCount() == 0 && store.depositCount() == 0, "fresh state");
        require(store.l2OpCount() == 0 && store.l2OpHead() == bytes32(0), "fresh L2 op count");
        require(store.treeDepth() == p.treeDepth && store.batchSize() == p.batchSize, "circuit parameters");
        require(store.publicSlots() == p.publicSlots, "public slots");
        require(store.priorityDeadline() == p.priorityDeadline, "priority deadline");
        require(store.l2ChainId() == p.l2ChainId && store.l2Ledger() == p.l2Ledger, "L2 source");
        require(keccak256(abi.encode(store.attesters())) == keccak256(abi.encode(p.attesters)), "attesters");
        require(store.attesterThreshold() == p.attesterThreshold, "attester threshold");
        require(store.attesterSetVersion() == 1, "attester set version");
        require(store.governanceDelay() == p.governanceDelay, "governance delay");
        require(!store.exodusMode(), "exodus");
        if (d.demoToken != address(0)) {
            require(store.tokenIdOf(d.demoToken) == 1, "demo token docked as id 1");
        }
    }

    function _write(Deployed memory d, IAssetStorage.DeployParams memory p) internal {
        string memory c = "contracts";
        vm.serializeAddress(c, "AssetStorage", d.assetStorage);
        string memory contracts = vm.serializeAddress(c, "BatchVerifier", d.verifier);
        if (d.demoToken != address(0)) contracts = vm.serializeAddress(c, "DemoToken", d.demoToken);

        string memory q = "params";
        vm.serializeUint(q, "treeDepth", p.treeDepth);
        vm.serializeUint(q, "batchSize", p.batchSize);
        vm.serializeUint(q, "publicSlots", p.publicSlots);
        vm.serializeString(q, "genesisRoot", vm.toString(d.genesisRoot));
        vm.serializeAddress(q, "attesters", p.attesters);
        vm.serializeUint(q, "attesterThreshold", p.attesterThreshold);
        vm.serializeUint(q, "governanceDelay", p.governanceDelay);
        vm.serializeUint(q, "l2ChainId", p.l2ChainId);
        vm.serializeAddress(q, "l2Ledger", p.l2Ledger);
        string memory params = vm.serializeUint(q, "priorityDeadline", p.priorityDeadline);

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
