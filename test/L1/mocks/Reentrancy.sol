// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockERC20} from "./TestTokens.sol";

/// @title ReentrantERC20
/// @notice An ERC-20 that, during `transfer` or `transferFrom`, calls `target` with `payload` once, and keeps
///         the revert data of that inner call (empty if it succeeded).
contract ReentrantERC20 is MockERC20 {
    address public target;
    bytes public payload;
    bool public attackOnTransfer;
    bool public attackOnTransferFrom;
    bool public innerCallSucceeded;
    bytes public innerRevertData;
    uint256 public attacks;

    constructor() MockERC20("Reentrant Token", "REENTER") {}

    /// @notice Arms the attack.
    function arm(address target_, bytes calldata payload_, bool onTransfer, bool onTransferFrom) external {
        target = target_;
        payload = payload_;
        attackOnTransfer = onTransfer;
        attackOnTransferFrom = onTransferFrom;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (attackOnTransfer) _attack();
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (attackOnTransferFrom) _attack();
        return super.transferFrom(from, to, value);
    }

    function _attack() private {
        attackOnTransfer = false;
        attackOnTransferFrom = false;
        ++attacks;
        (bool ok, bytes memory data) = target.call(payload);
        innerCallSucceeded = ok;
        innerRevertData = data;
    }
}

/// @title ReentrantReceiver
/// @notice Receives ETH and, once, calls `target` with `payload` from `receive`. With `bubble` set, a failed
///         inner call makes `receive` revert; otherwise its revert data is kept.
contract ReentrantReceiver {
    address public target;
    bytes public payload;
    bool public bubble;
    bool public armed;
    bool public innerCallSucceeded;
    bytes public innerRevertData;
    uint256 public received;

    /// @notice Arms the attack.
    function arm(address target_, bytes calldata payload_, bool bubble_) external {
        target = target_;
        payload = payload_;
        bubble = bubble_;
        armed = true;
    }

    /// @notice Makes an arbitrary call (to deposit or claim as this contract).
    function execute(address to, uint256 value, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        received += msg.value;
        if (!armed) return;
        armed = false;
        (bool ok, bytes memory data) = target.call(payload);
        innerCallSucceeded = ok;
        innerRevertData = data;
        if (!ok && bubble) {
            assembly {
                revert(add(data, 32), mload(data))
            }
        }
    }
}

/// @title RejectingReceiver
/// @notice Refuses every ETH transfer.
contract RejectingReceiver {
    /// @notice Makes an arbitrary call (to claim as this contract).
    function execute(address to, bytes calldata data) external {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    receive() external payable {
        revert("RejectingReceiver: no ETH");
    }
}
