// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {DeployL1} from "../../script/DeployL1.s.sol";
import {DeployL2} from "../../script/DeployL2.s.sol";

/// @notice The deploy scripts write deployments/<chainId>.json into a DEPLOYMENTS_DIR that need not exist yet
///         (a fresh `make devnet` or a new deployment folder).
/// @dev One test function: DEPLOYMENTS_DIR is a process-wide variable, and forge runs test functions in parallel.
contract DeployScriptsTest is Test {
    function _freshDir(string memory name) internal returns (string memory dir) {
        dir = string.concat("build/forge/deploy-test/", name);
        if (vm.exists(dir)) vm.removeDir(dir, true);
        assertFalse(vm.exists(dir));
        vm.setEnv("DEPLOYMENTS_DIR", dir);
    }

    function _file(string memory dir) internal view returns (string memory) {
        return string.concat(dir, "/", vm.toString(block.chainid), ".json");
    }

    function _attesterEnv() internal {
        address a = makeAddr("attester a");
        address b = makeAddr("attester b");
        (a, b) = a < b ? (a, b) : (b, a);
        vm.setEnv("ATTESTERS", string.concat(vm.toString(a), ",", vm.toString(b)));
        vm.setEnv("ATTESTER_THRESHOLD", "2");
    }

    /// @dev One function on purpose (process-wide environment): folders, the L1/L2 binding, the dev verifier.
    function test_deployScripts() public {
        _attesterEnv();
        string memory dir = _freshDir("l1");
        address l2Ledger = makeAddr("predicted L2 ledger");
        vm.setEnv("L2_CHAIN_ID", "31338");
        vm.setEnv("L2_LEDGER", vm.toString(l2Ledger));
        // No demo token: in a test the broadcaster is not the caller, so it could not dock one.
        vm.setEnv("DEMO_TOKEN", "false");
        DeployL1.Deployed memory d = new DeployL1().run();
        assertTrue(vm.exists(_file(dir)), "L1 deployment file written");
        string memory json = vm.readFile(_file(dir));
        assertEq(vm.parseJsonAddress(json, ".contracts.AssetStorage"), d.assetStorage);
        assertEq(vm.parseJsonAddress(json, ".params.l2Ledger"), l2Ledger);
        assertEq(vm.parseJsonUint(json, ".params.attesterThreshold"), 2);
        vm.removeDir(dir, true);

        // The development verifier (public toxic waste) is refused off anvil, unless explicitly allowed.
        uint256 here = block.chainid;
        vm.chainId(1);
        DeployL1 script = new DeployL1();
        vm.expectRevert(bytes("refusing to deploy the development verifier off anvil: set VERIFIER"));
        script.run();
        address devVerifier = deployCode("BatchVerifier.sol:Groth16Verifier");
        vm.setEnv("VERIFIER", vm.toString(devVerifier));
        vm.expectRevert(bytes("VERIFIER is the development verifier (public toxic waste)"));
        script.run();
        vm.setEnv("ALLOW_DEV_VERIFIER", "true");
        dir = _freshDir("l1-allowed");
        assertEq(script.run().verifier, devVerifier);
        vm.setEnv("ALLOW_DEV_VERIFIER", "false");
        vm.setEnv("VERIFIER", vm.toString(address(0)));
        vm.chainId(here);
        vm.removeDir(dir, true);

        dir = _freshDir("l2");
        vm.setEnv("L1_CHAIN_ID", "31337");
        vm.setEnv("L1_STORAGE", vm.toString(d.assetStorage));
        vm.setEnv("L2_LEDGER", vm.toString(makeAddr("not where it lands")));
        DeployL2 l2Script = new DeployL2();
        vm.expectRevert(bytes("the ledger is not at L2_LEDGER, which L1 expects"));
        l2Script.run();
        vm.setEnv("L2_LEDGER", "");
        (address receiving,) = l2Script.run();
        assertTrue(vm.exists(_file(dir)), "L2 deployment file written");
        assertEq(vm.parseJsonAddress(vm.readFile(_file(dir)), ".contracts.AssetReceiving"), receiving);
        vm.removeDir(dir, true);
    }
}
