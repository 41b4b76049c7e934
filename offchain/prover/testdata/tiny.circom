pragma circom 2.1.0;

// A circuit of a few constraints for the prover's tests (offchain/prover/testkit.ts builds it).
// Public signals: [c, a] (outputs first, then public inputs, as snarkjs orders them).
template Tiny(n) {
  signal input a;
  signal input b;
  signal output c;
  signal x[n];
  x[0] <== a * b;
  for (var i = 1; i < n; i++) {
    x[i] <== x[i - 1] * b + a;
  }
  c <== x[n - 1];
}

component main { public [a] } = Tiny(8);
