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

    function test_deployScripts_createTheirDeploymentsDir() public {
        string memory dir = _freshDir("l1");
        vm.setEnv("SENDER_ADDRESS", vm.toString(makeAddr("sender")));
        // No demo token: in a test the broadcaster is not the caller, so it could not dock one.
        vm.setEnv("DEMO_TOKEN", "false");
        DeployL1.Deployed memory d = new DeployL1().run();
        assertTrue(vm.exists(_file(dir)), "L1 deployment file written");
        assertEq(vm.parseJsonAddress(vm.readFile(_file(dir)), ".contracts.AssetStorage"), d.assetStorage);
        vm.removeDir(dir, true);

        dir = _freshDir("l2");
        vm.setEnv("RELAYER_ADDRESS", vm.toString(makeAddr("relayer")));
        (address receiving,) = new DeployL2().run();
        assertTrue(vm.exists(_file(dir)), "L2 deployment file written");
        assertEq(vm.parseJsonAddress(vm.readFile(_file(dir)), ".contracts.AssetReceiving"), receiving);
        vm.removeDir(dir, true);
    }
}
