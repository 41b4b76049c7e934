// SPDX-License-Identifier: GPL-3.0
// ------------------------------------------------------------------------------------------------
// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.
// Generator: circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28).
// Circuit: circuits/batch.circom, Batch(DEPTH = 16, BATCH = 4, PUBLIC = 2), 71303 constraints,
//          8 public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_1, b_1.
// r1cs sha256: 657f8c84b8c8d47dae221cf743ce71b994b4e67b30b00da196b946558335343a
// Setup: build/setup/dev-17.ptau (power 17, sha256 8d7cad10571881de...),
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

    
    uint256 constant IC0x = 3403639838548009396987678075683781456262017923423990037810139844272366087506;
    uint256 constant IC0y = 13147073571902468739281471695955203424130135385443313106071790372934440959857;
    
    uint256 constant IC1x = 17884842769269642313862975245634209929692105151599200133420708591146098894771;
    uint256 constant IC1y = 8730601093820943969344800740376358873890257493412756242302034460600468093216;
    
    uint256 constant IC2x = 11997994580402354954940860687508987756412505565517187371410278064592126201874;
    uint256 constant IC2y = 21822050389083621385447902156931334470586377969141189875230908203235244618444;
    
    uint256 constant IC3x = 2944439237922067870576419846913886757681727196394489467849554874354272069402;
    uint256 constant IC3y = 20561533975196642621791693218416958061255972659381135632469849055997110932081;
    
    uint256 constant IC4x = 7447361537518347456446412867578898120327443467072977859005108090840090766415;
    uint256 constant IC4y = 1000195613901084669389107154942088660653095252849709698508321973931736270948;
    
    uint256 constant IC5x = 8854749861788855347517973606940001288354546584974290937424608290672623311046;
    uint256 constant IC5y = 16200283318953628123153202832816495663486437028370945457473313839178697664306;
    
    uint256 constant IC6x = 21219481620195952315938150333598129442021745432094037066226945856256834316986;
    uint256 constant IC6y = 5166306004563111057134961144787681963435162198511856191943052623915812742723;
    
    uint256 constant IC7x = 155824615939295003275116400743438610392574469172942620022065443984225287184;
    uint256 constant IC7y = 1936316019644532158048583191942678464557817595165646812363988017086813212198;
    
    uint256 constant IC8x = 2348178935596659944055717441299243946593013124811724345489602064660362459243;
    uint256 constant IC8y = 13679953928394865877529340925973275855966151875682331381860667720925973314580;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[8] calldata _pubSignals) public view returns (bool) {
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
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
