// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockERC20
/// @notice A plain ERC-20 with public mint.
contract MockERC20 is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @title FeeOnTransferERC20
/// @notice Burns `feeBps` of every transfer: the sender loses `amount`, the receiver gets `amount - fee`.
contract FeeOnTransferERC20 is MockERC20 {
    /// @notice The fee in basis points (10_000 = everything).
    uint256 public feeBps;

    constructor(uint256 feeBps_) MockERC20("Fee Token", "FEE") {
        feeBps = feeBps_;
    }

    /// @notice Changes the fee.
    function setFeeBps(uint256 newFeeBps) external {
        feeBps = newFeeBps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = value * feeBps / 10_000;
        super._update(from, to, value - fee);
        if (fee != 0) super._update(from, address(0), fee);
    }
}

/// @title FalseReturningERC20
/// @notice `transfer` and `transferFrom` return false and move nothing once `failing` is set.
contract FalseReturningERC20 is MockERC20 {
    /// @notice Whether transfers fail by returning false.
    bool public failing;

    constructor() MockERC20("False Token", "FALSE") {}

    /// @notice Turns the failure on or off.
    function setFailing(bool value) external {
        failing = value;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}

/// @title NoReturnERC20
/// @notice A USDT-like token whose `transfer` and `transferFrom` return nothing (SafeERC20 accepts it).
contract NoReturnERC20 {
    mapping(address account => uint256 amount) public balanceOf;
    mapping(address owner => mapping(address spender => uint256 amount)) public allowance;

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    /// @notice Sets an allowance.
    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    /// @notice Moves tokens; returns nothing.
    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    /// @notice Moves tokens with an allowance; returns nothing.
    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @title InflatingERC20
/// @notice On `transferFrom` it credits the receiver `bonus` extra tokens (minted from nothing), so the
///         receiver's balance grows by more than the amount asked for.
contract InflatingERC20 is MockERC20 {
    /// @notice Extra tokens minted to the receiver of every transferFrom.
    uint256 public bonus;

    constructor() MockERC20("Inflating Token", "INFL") {}

    /// @notice Sets the extra amount.
    function setBonus(uint256 value) external {
        bonus = value;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        bool ok = super.transferFrom(from, to, value);
        _mint(to, bonus);
        return ok;
    }
}
