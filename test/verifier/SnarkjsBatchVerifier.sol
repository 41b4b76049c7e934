// SPDX-License-Identifier: GPL-3.0
// ------------------------------------------------------------------------------------------------
// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.
// Generator: circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28).
// Circuit: circuits/batch.circom, Batch(DEPTH = 16, BATCH = 4), 48487 constraints,
//          12 public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_3, b_3.
// r1cs sha256: afd9dfc89fe9c897be0f37f73db61d04bd84c868432d9ca57a07284cb6c6c899
// Setup: build/setup/dev-16.ptau (power 16, sha256 0189169a56f58e7f...),
//        phase 2 by circuits/setup/zkey.ts (snarkjs groth16 setup + fixed public beacon).
// The development setup's toxic waste is public (docs/circuit.md): never deploy this key on a real network.
// ------------------------------------------------------------------------------------------------
// TEST ORACLE ONLY: snarkjs's own verifier, which test/verifier/ compares src/verifier/BatchVerifier.sol to.
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity 0.8.28;

contract SnarkjsGroth16Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 48799591397000017684769427546052225112998900172739411706904079153616283282;
    uint256 constant alphay  = 13731148121573511682214114072872516370188208398498969259023015856548356443166;
    uint256 constant betax1  = 20023823832141145235016327265266769975966251037558877478122678647758720949987;
    uint256 constant betax2  = 13776886019869557746666674639228605603059554068814400604157803245648908282965;
    uint256 constant betay1  = 9679438569301714190024634114971453983357597080455321909056717204488669425020;
    uint256 constant betay2  = 6468163471755297685039564158828681759036325046134203721313625961382442823382;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 3541899065434836457249166365507620019602725788726280954707626663119603921458;
    uint256 constant deltax2 = 7699072479820426199380439126091079748314324516550921821342694313036362262396;
    uint256 constant deltay1 = 3159594974572543097035212561178194083156799902151165939854509724787344445103;
    uint256 constant deltay2 = 6974494095281252074587300273495470937959312588192946068129043542189318189500;

    
    uint256 constant IC0x = 6327531688311511046694861107317649618112529330016434891892691740913277025430;
    uint256 constant IC0y = 13968015025613865290569066495392712168390058379224173724304451456287257145100;
    
    uint256 constant IC1x = 12088384653502029471086740926248384155833296802729459967440059211263473750926;
    uint256 constant IC1y = 3269169444325921692679257985177403813907254099140827722192272596496874606351;
    
    uint256 constant IC2x = 11202421398510341552534421264589976924214846899252688238990060820824087246038;
    uint256 constant IC2y = 16209581287580922881808509260113264623495354127404117403915367110592590906672;
    
    uint256 constant IC3x = 11018028142587185612913533753453733855647547354589601597903423118726993342349;
    uint256 constant IC3y = 12184551110682065878813040240939545384289584925033532828900322229879144106341;
    
    uint256 constant IC4x = 3302219829716338924457756163883844236169174020289621894568388331918647816167;
    uint256 constant IC4y = 13929626180774150372490034278405733400921314085191415350759330200578934072304;
    
    uint256 constant IC5x = 6272550277838568461608940422858222078361131781208467004009728658828935863957;
    uint256 constant IC5y = 14091047367764586134673485701482681539541524296617712270171938195974926831094;
    
    uint256 constant IC6x = 11189722983991710225047041294098510705695988559857070883380864019681982330083;
    uint256 constant IC6y = 17272535424400765052278008780358908490171713831196246425513695016751435315726;
    
    uint256 constant IC7x = 17071547356102124366870009976611967453533544534270535453506087961308703674273;
    uint256 constant IC7y = 10803909470180843956002586210613922439092237639510041797188192102870384573269;
    
    uint256 constant IC8x = 18557555633108625730177819454045841130236571729720478767738461981227008923778;
    uint256 constant IC8y = 20465541002648863502382848306003618328813650188522966781961082385761587798206;
    
    uint256 constant IC9x = 19973528329486192598685054523412679158021283625562137472124827826403243517281;
    uint256 constant IC9y = 5750750535792478435600516071459196234741306216593239559445636659190352021316;
    
    uint256 constant IC10x = 17250292948963196352981633012863115164292453715098508643631753140131838367805;
    uint256 constant IC10y = 16567182542788266569709070371436778731616342181998574123880544639393103407600;
    
    uint256 constant IC11x = 3831250199394067806052611172547714202326300333405278937451025206667318256211;
    uint256 constant IC11y = 6591978278143519162808143090224876310874493524669904750055827977152379122807;
    
    uint256 constant IC12x = 18270342084668488459581288624681751680961554305389474963305294624621893454457;
    uint256 constant IC12y = 14197877247154191912196826720223687845815063884466885732892258944696447853073;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[12] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
