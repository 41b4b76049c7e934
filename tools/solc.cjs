#!/usr/bin/env node
// forge-facing wrapper around the npm `solc` package (soljson, pinned in package.json).
// forge cannot download solc offline; foundry.toml names this file as `solc`.
// forge calls it as `--version` and as `--standard-json [--base-path P] [--include-path P]... [--allow-paths ...]`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);
const longVersion = solc.version(); // e.g. 0.8.28+commit.7893614a.Emscripten.clang

if (args.includes("--version")) {
  const v = longVersion.replace(/\.Emscripten\.clang$/, ".Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${v}\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("tools/solc.cjs: only --version and --standard-json are supported\n");
  process.exit(2);
}

const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--base-path" || args[i] === "--include-path") roots.push(args[++i]);
}
if (roots.length === 0) roots.push(process.cwd());

// soljson copies the standard-JSON input onto its small wasm stack: an input of a megabyte or more
// (every source's text inline) crashes it with "memory access out of bounds". So the sources' text is
// kept here and handed to solc through the import callback (`urls`), leaving the input itself small.
const inline = new Map();

function findImports(p) {
  if (inline.has(p)) return { contents: inline.get(p) };
  const candidates = path.isAbsolute(p) ? [p] : roots.map((r) => path.resolve(r, p));
  for (const c of candidates) {
    if (fs.existsSync(c)) return { contents: fs.readFileSync(c, "utf8") };
  }
  return { error: `File not found: ${p} (searched ${roots.join(", ")})` };
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
for (const [name, source] of Object.entries(input.sources ?? {})) {
  if (typeof source.content === "string") {
    inline.set(name, source.content);
    input.sources[name] = { urls: [name] };
  }
}
process.stdout.write(solc.compile(JSON.stringify(input), { import: findImports }));
