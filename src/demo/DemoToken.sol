// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title DemoToken
/// @notice A plain mintable ERC-20 for local demos and `make e2e`. Not part of the bridge; never deploy it
///         as a real asset.
contract DemoToken is ERC20, Ownable {
    /// @notice Deploys the token with `owner_` as the only minter.
    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    /// @param owner_ The account allowed to mint.
    constructor(string memory name_, string memory symbol_, address owner_)
        ERC20(name_, symbol_)
        Ownable(owner_)
    {}

    /// @notice Mints `amount` to `to`.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in the token's smallest unit.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
