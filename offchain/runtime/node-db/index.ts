/**
 * The node database (`${DATA_DIR}/bridge.sqlite`, one SQLite file per node) and its only owner:
 * every SQL statement on it is in this folder (tools/check-layers.ts fails on SQL elsewhere).
 *
 * - open.ts: the path, open (WAL, integrity check, one writer per service), migrations, checkpoints
 * - codecs.ts: bigint <-> TEXT, ids, addresses
 * - extractor.ts: `extractor_ops`, `batches` (written by the extractor)
 * - batches.ts: a batch as the sender reads it back
 * - proof-jobs.ts: `proof_jobs` (the SQLite proof queue) and the one ProofJob type
 * - monitor.ts: `monitor_*` (deposits, queue requests, tokens, exodus)
 * - sender.ts: `sender_batches` (submissions)
 * - alarms.ts: `node_alarms`
 * - divergence.ts: the reads of the L1 divergence watch
 * - explorer.ts: the explorer's read model of every table
 *
 * Services, the CLI, the explorer, bench and the e2e import from here; only the attester's own
 * database (offchain/attester/store.ts) has SQL elsewhere.
 */
export * from "./alarms.js";
export * from "./batches.js";
export * from "./codecs.js";
export * from "./divergence.js";
export * from "./errors.js";
export * from "./explorer.js";
export * from "./extractor.js";
export * from "./monitor.js";
export * from "./open.js";
export * from "./proof-jobs.js";
export * from "./sender.js";
