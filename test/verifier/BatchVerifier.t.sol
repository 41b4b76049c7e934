// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test, console} from "forge-std/Test.sol";
import {Groth16Verifier} from "../../src/verifier/BatchVerifier.sol";
import {SnarkjsGroth16Verifier} from "./SnarkjsBatchVerifier.sol";

/// @notice The project's generated verifier (src/verifier/BatchVerifier.sol) against snarkjs's exported one
///         (test/verifier/SnarkjsBatchVerifier.sol, the oracle) on the real fixture proof, on non-canonical
///         words, and differentially on fuzzed inputs and mutated proofs: on canonical words both return the
///         same bool; on a word not < r (input) or not < q (proof coordinate) ours returns false.
contract BatchVerifierTest is Test {
    string internal constant FIXTURE = "test/fixtures/batch-d16-n4-k2.json";
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;
    uint256 internal constant Q =
        21_888_242_871_839_275_222_246_405_745_257_275_088_696_311_157_297_823_662_689_037_894_645_226_208_583;
    /// @dev 2^256 - 4q: y + this is >= q and, under snarkjs's `(q - y) mod q` in 256-bit words, negates to q - y.
    uint256 internal constant WRAP = type(uint256).max - 4 * Q + 1;
    /// @dev Gas for one verifyProof call: a failing precompile burns all it is given (snarkjs forwards gas() - 2000).
    uint256 internal constant CALL_GAS = 2_000_000;

    Groth16Verifier internal ours;
    SnarkjsGroth16Verifier internal oracle;
    uint256[8] internal proof;
    uint256[8] internal pub;

    function setUp() public {
        string memory json = vm.readFile(FIXTURE);
        uint256[] memory p = vm.parseJsonUintArray(json, ".proof");
        uint256[] memory s = vm.parseJsonUintArray(json, ".publicSignals");
        assertEq(p.length, 8, "fixture proof words");
        assertEq(s.length, 8, "fixture public inputs (4 + 2K, K = 2)");
        for (uint256 i = 0; i < 8; i++) {
            proof[i] = p[i];
        }
        for (uint256 i = 0; i < 8; i++) {
            pub[i] = s[i];
        }
        ours = new Groth16Verifier();
        oracle = new SnarkjsGroth16Verifier();
    }

    /*//////////////////////////////////////////////////////////////
                               FIXTURE
    //////////////////////////////////////////////////////////////*/

    function test_fixture_verifiesWithBoth() public view {
        assertTrue(_oracle(proof, pub), "snarkjs's verifier accepts the fixture");
        assertTrue(_ours(proof, pub), "ours accepts the fixture");
    }

    function test_fixture_changedInputRejectedByBoth() public view {
        for (uint256 i = 0; i < 8; i++) {
            uint256[8] memory s = pub;
            s[i] = s[i] == 0 ? 1 : s[i] - 1;
            assertFalse(_oracle(proof, s), "snarkjs: changed input");
            assertFalse(_ours(proof, s), "ours: changed input");
        }
    }

    /*//////////////////////////////////////////////////////////////
                        NON-CANONICAL ENCODINGS
    //////////////////////////////////////////////////////////////*/

    /// @dev The defect fixed: pA.y + 2^256 - 4q is another encoding of the same proof that snarkjs accepts.
    function test_nonCanonicalAy_acceptedBySnarkjs_refusedByOurs() public view {
        uint256[8] memory p = proof;
        p[1] = proof[1] + WRAP;
        assertGe(p[1], Q, "the word is not reduced");
        assertTrue(_oracle(p, pub), "snarkjs accepts the unreduced pA.y (the defect)");
        assertFalse(_ours(p, pub), "ours refuses a proof coordinate >= q");
    }

    /// @dev Every y' = y + 2^256 - k*q (k = 1..5) in [q, 2^256) negates, in snarkjs's 256-bit arithmetic, to the
    ///      same q - y: snarkjs accepts each, ours refuses each.
    function test_nonCanonicalAy_everyWrapForm() public view {
        uint256 y = proof[1];
        uint256 forms;
        for (uint256 k = 1; k <= 5; k++) {
            uint256 offset = type(uint256).max - k * Q + 1; // 2^256 - k q
            if (y > type(uint256).max - offset || y + offset < Q) continue;
            uint256[8] memory p = proof;
            p[1] = y + offset;
            assertTrue(_oracle(p, pub), "snarkjs accepts y + 2^256 - k q");
            assertFalse(_ours(p, pub), "ours refuses y + 2^256 - k q");
            forms++;
        }
        assertGe(forms, 4, "the fixture's pA.y has at least four such encodings");
    }

    /// @dev Any proof word moved to a non-canonical value (+ k q, + 2^256 - k q, or anything >= q): ours refuses.
    function testFuzz_nonCanonicalProofWord_refusedByOurs(uint256 which, uint256 k, uint256 raw) public view {
        uint256 i = which % 8;
        uint256[8] memory p = proof;
        uint256 form = k % 3;
        k = bound(k / 3, 1, 5);
        if (form == 0 && k * Q <= type(uint256).max - p[i]) {
            p[i] += k * Q;
        } else if (form == 1 && p[i] + (type(uint256).max - k * Q + 1) >= Q) {
            p[i] += type(uint256).max - k * Q + 1;
        } else {
            p[i] = bound(raw, Q, type(uint256).max);
        }
        assertGe(p[i], Q);
        assertFalse(_ours(p, pub), "ours refuses a proof word >= q");
    }

    function test_AyPlusQ_refusedByOurs() public view {
        uint256[8] memory p = proof;
        p[1] = proof[1] + Q; // fits: q < 2^254
        assertFalse(_ours(p, pub), "ours refuses pA.y + q");
    }

    function test_everyProofCoordinatePlusQ_refusedByOurs() public view {
        for (uint256 i = 0; i < 8; i++) {
            uint256[8] memory p = proof;
            p[i] = proof[i] + Q;
            assertFalse(_ours(p, pub), "ours refuses coordinate + q");
            assertFalse(_ours(_withWord(i, type(uint256).max), pub), "ours refuses 2^256 - 1");
        }
    }

    function test_everyInputPlusR_refusedByBoth() public view {
        for (uint256 i = 0; i < 8; i++) {
            uint256[8] memory s = pub;
            s[i] += R;
            assertFalse(_ours(proof, s), "ours refuses input + r");
            assertFalse(_oracle(proof, s), "snarkjs refuses input + r");
        }
    }

    /*//////////////////////////////////////////////////////////////
                         DIFFERENTIAL FUZZING
    //////////////////////////////////////////////////////////////*/

    /// @dev Inputs drawn per slot (kept, zero, random, near r, >= r); proof words kept or mutated (random,
    ///      + q, 2^256 - 4q wrap, off by one, points on and off the curve, infinity). Ours never accepts what
    ///      snarkjs rejects; on canonical words the two agree; on non-canonical words ours returns false.
    function testFuzz_differential(uint256 seed, uint256[8] memory raw, uint256 rawWord) public view {
        uint256[8] memory s = _fuzzInputs(seed, raw);
        uint256[8] memory p = _fuzzProof(uint256(keccak256(abi.encode(seed, "proof"))), rawWord);
        bool a = _ours(p, s);
        bool b = _oracle(p, s);
        if (_canonical(p, s)) {
            assertEq(a, b, "canonical words: ours == snarkjs");
        } else {
            assertFalse(a, "non-canonical words: ours refuses");
        }
    }

    /// @dev The real proof with the fixture's inputs, some set to 0: both verifiers agree (the zero-input
    ///      skip changes no result), and only zeroing the input already 0 (2: the genesis op chain) keeps the proof valid.
    function testFuzz_differential_zeroSlots(uint16 zeroMask) public view {
        uint256[8] memory s = pub;
        for (uint256 i = 0; i < 8; i++) {
            if (zeroMask & (1 << i) != 0) s[i] = 0;
        }
        assertEq(_ours(proof, s), _oracle(proof, s), "zeros: ours == snarkjs");
        assertEq(
            _ours(proof, s), (zeroMask & 0xff & ~uint16(0x4)) == 0, "true only if only zeros were zeroed"
        );
    }

    function _fuzzInputs(uint256 seed, uint256[8] memory raw) internal view returns (uint256[8] memory s) {
        if (uint256(keccak256(abi.encode(seed))) % 4 == 0) return pub; // one run in four keeps the fixture's inputs: true cases are compared too
        for (uint256 i = 0; i < 8; i++) {
            uint256 mode = (seed >> (4 * i)) & 15;
            if (mode < 5) s[i] = pub[i];
            else if (mode < 10) s[i] = 0;
            else if (mode == 10) s[i] = raw[i];
            else if (mode == 11) s[i] = raw[i] % R;
            else if (mode == 12) s[i] = R - 1 - (raw[i] % 4);
            else if (mode == 13) s[i] = R + (raw[i] % 4);
            else if (mode == 14) s[i] = raw[i] % 1000;
            else s[i] = pub[i] + R;
        }
    }

    function _fuzzProof(uint256 seed, uint256 rawWord) internal view returns (uint256[8] memory p) {
        p = proof;
        uint256 i = seed % 8;
        uint256 mode = (seed >> 8) % 10;
        if (mode == 1) p[i] = rawWord;
        else if (mode == 2) p[i] = proof[i] + Q;
        else if (mode == 3) p[i] = proof[i] + WRAP;
        else if (mode == 4) p[i] = proof[i] ^ 1;
        else if (mode == 5) p[i] = rawWord % Q;
        else if (mode == 6) (p[0], p[1]) = (1, 2); // the G1 generator: on the curve, wrong proof
        else if (mode == 7) (p[6], p[7]) = (1, 3); // not on the curve
        else if (mode == 8) (p[0], p[1]) = (0, 0); // infinity
        else if (mode == 9) (p[0], p[1]) = (1, Q - 2); // -G1 generator, also on the curve
    }

    function _canonical(uint256[8] memory p, uint256[8] memory s) internal pure returns (bool) {
        for (uint256 i = 0; i < 8; i++) {
            if (p[i] >= Q) return false;
        }
        for (uint256 i = 0; i < 8; i++) {
            if (s[i] >= R) return false;
        }
        return true;
    }

    /*//////////////////////////////////////////////////////////////
                                 GAS
    //////////////////////////////////////////////////////////////*/

    /// @dev verifyProof of the fixture (1 zero input of 8) with each verifier, and ours with mostly zero inputs
    ///      against all nonzero ones (a batch of transfers and no-ops publishes zeros in its public pairs).
    function test_gas_zeroInputsAreCheaper() public {
        uint256 gasOurs = _gasOurs(proof, pub);
        uint256 gasOracle = _gasOracle(proof, pub);
        console.log("verifyProof gas, fixture (8 inputs, 1 zero): ours", gasOurs, "snarkjs", gasOracle);
        assertLt(gasOurs, gasOracle, "ours is cheaper on the fixture");

        uint256[8] memory dense;
        uint256[8] memory sparse;
        for (uint256 i = 0; i < 8; i++) {
            dense[i] = i + 1;
        }
        (sparse[0], sparse[1], sparse[3]) = (1, 2, 3); // roots and op chain only: a batch of transfers/no-ops
        uint256 gasDense = _gasOurs(proof, dense);
        uint256 gasSparse = _gasOurs(proof, sparse);
        console.log("ours, 8 nonzero inputs", gasDense, "3 nonzero inputs", gasSparse);
        console.log(
            "snarkjs, 8 nonzero inputs", _gasOracle(proof, dense), "3 nonzero", _gasOracle(proof, sparse)
        );
        assertLt(gasSparse + 5 * 6000, gasDense, "each zero input saves an ecMul (6000) and an ecAdd");
    }

    /*//////////////////////////////////////////////////////////////
                               HELPERS
    //////////////////////////////////////////////////////////////*/

    function _gasOurs(uint256[8] memory p, uint256[8] memory s) internal returns (uint256 used) {
        vm.cool(address(ours));
        used = gasleft();
        _ours(p, s);
        used -= gasleft();
    }

    function _gasOracle(uint256[8] memory p, uint256[8] memory s) internal returns (uint256 used) {
        vm.cool(address(oracle));
        used = gasleft();
        _oracle(p, s);
        used -= gasleft();
    }

    function _withWord(uint256 i, uint256 w) internal view returns (uint256[8] memory p) {
        p = proof;
        p[i] = w;
    }

    function _ours(uint256[8] memory p, uint256[8] memory s) internal view returns (bool) {
        return ours.verifyProof{gas: CALL_GAS}([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], s);
    }

    function _oracle(uint256[8] memory p, uint256[8] memory s) internal view returns (bool) {
        return oracle.verifyProof{gas: CALL_GAS}([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], s);
    }
}
