// Import rules of the off-chain tree (docs/operations.md "Code map"), run by `make lint`:
//   node_modules/.bin/depcruise --config .dependency-cruiser.cjs offchain bench circuits tools
// tools/check-layers.ts checks the same layering with its own reader and adds the SQL-ownership rule;
// this is the independent check by a pinned, widely used tool. Type-only imports are left out
// (tsPreCompilationDeps: false): they are erased at run time, so they cannot make a load-order cycle.
const SERVICES = "(monitor|extractor|prover|sender|explorer|cli|attester|devnet|e2e|node)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Off-chain modules must not import each other in a cycle.",
      from: { path: "^offchain/" },
      to: { circular: true },
    },
    {
      name: "lower-layers-no-service",
      severity: "error",
      comment: "offchain/lib and offchain/runtime sit below the services and never import one.",
      from: { path: "^offchain/(lib|runtime)/" },
      to: { path: `^offchain/${SERVICES}(/|\\.ts$)` },
    },
    {
      name: "lower-layers-no-testing",
      severity: "error",
      comment: "Only tests may import offchain/testing from offchain/lib and offchain/runtime.",
      from: { path: "^offchain/(lib|runtime)/", pathNot: "\\.test\\.ts$" },
      to: { path: "^offchain/testing/" },
    },
    {
      name: "lib-no-runtime",
      severity: "error",
      comment: "offchain/lib is the pure protocol core: it does not import offchain/runtime.",
      from: { path: "^offchain/lib/" },
      to: { path: "^offchain/runtime/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "Every relative import resolves to a file of the tree.",
      from: {},
      to: { couldNotResolve: true, pathNot: "^node:" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|build)/" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
