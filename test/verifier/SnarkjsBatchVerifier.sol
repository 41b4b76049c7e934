// SPDX-License-Identifier: GPL-3.0
// ------------------------------------------------------------------------------------------------
// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.
// Generator: circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28).
// Circuit: circuits/batch.circom, Batch(DEPTH = 16, BATCH = 4), 71271 constraints,
//          12 public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_3, b_3.
// r1cs sha256: 1eb5a2a53d19f9af715436eae30bc4c15cd0d679519be93065ab9197111f621d
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

    
    uint256 constant IC0x = 18446330948051308878928356982616910309005495862815076256909376988005886078566;
    uint256 constant IC0y = 8050520149583660749035931069896994969650788982643608245332016686770038405429;
    
    uint256 constant IC1x = 21197907148348205179584999428967246891512344150317947488995289779104564216405;
    uint256 constant IC1y = 19671844417503162707593266457539367864545402954591942840387060475432721782740;
    
    uint256 constant IC2x = 21610663814354904077209053897558152277960057858516248429474587492075867561821;
    uint256 constant IC2y = 3310912546182167132428015564507580902063504457227871260947396642759644345227;
    
    uint256 constant IC3x = 4259845781698263498526588393344368579880881823428761823509650847218180723361;
    uint256 constant IC3y = 12469794214668548321526679379834877390954387047460764974114720458442749722645;
    
    uint256 constant IC4x = 5799368372624449766483011127924143684678095622541356422355522617469515128424;
    uint256 constant IC4y = 6602600845828337185598583405025136599073420769796274014941591977971408180718;
    
    uint256 constant IC5x = 18698434469518605185569623587000040663249786916028378970423119392395863818594;
    uint256 constant IC5y = 11313260014770380094523408526836191348645210201179692485289518533329546529816;
    
    uint256 constant IC6x = 13656388430294576086870607057388796023701708751842580034291491767488225048062;
    uint256 constant IC6y = 18052206157024518562446393701615770536799332548785251701396726331002833239448;
    
    uint256 constant IC7x = 16393042180531661139380328753597406515765062395597623787652998998866423381087;
    uint256 constant IC7y = 15770863837714170550876293729128081591758104217862759003544208986426971053891;
    
    uint256 constant IC8x = 3027374043331327661986295548652479171813389712633462423562310726546725124738;
    uint256 constant IC8y = 17005592455416816646216498692426345079747581944204989186543045351325358102015;
    
    uint256 constant IC9x = 20498030380092698965227194714618106163227257510543072661280619265792695800503;
    uint256 constant IC9y = 13456840103622974784143215457339246586196464138027103172222560191153314937150;
    
    uint256 constant IC10x = 9592259096169328162171485227349876159031955406695377828271531778556601126735;
    uint256 constant IC10y = 15234478604333019181021306563018616026245885649877718130279467944982461595754;
    
    uint256 constant IC11x = 16952226925852394820472762980377110637138962618902081676865262817257008241307;
    uint256 constant IC11y = 17524508225243595355304490535727767836418186839185866072204800632742982611778;
    
    uint256 constant IC12x = 9053397204600710515068007664548120221279947429722994484377435737323172895639;
    uint256 constant IC12y = 14192412097621896118387291449475605823638166464588134037977985247839715495529;
    
 
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
