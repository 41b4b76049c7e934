// test/PROPERTIES.md's list of invariants, generated from the `/// @custom:invariant` NatSpec tags in src/ and
// test/ (issue 15). Only the block between the markers below is written; everything else in the file is
// written by hand.
//   node --import tsx tools/properties.ts [dir]          rewrite the block (make properties)
//   node --import tsx tools/properties.ts --check [dir]  fail when the committed block differs (make properties-check)
// dir is the repository root (default: the working directory).
// Fails when a function named invariant_* carries no @custom:invariant tag.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const START = "<!-- generated:invariants:start -->";
export const END = "<!-- generated:invariants:end -->";
export const PROPERTIES = "test/PROPERTIES.md";
export const ROOTS = ["src", "test"];

export interface Invariant {
  file: string;
  line: number;
  /** `Contract` for a tag on a contract, `Contract.function` for a tag on a function. */
  on: string;
  text: string;
}

const DECLARATION = /^\s*(?:abstract\s+)?(contract|library|interface)\s+(\w+)|^\s*function\s+(\w+)/;

/** The @custom:invariant tags of one Solidity file, and the invariant_* functions that have none. */
export function parseSolidity(file: string, text: string): { invariants: Invariant[]; untagged: string[] } {
  const invariants: Invariant[] = [];
  const untagged: string[] = [];
  let pending: { line: number; text: string }[] = [];
  let open: { line: number; text: string } | undefined;
  let contract = "";
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const natspec = /^\s*\/\/\/(.*)$/.exec(raw);
    if (natspec !== null) {
      const body = natspec[1]!.trim();
      const tag = /^@custom:invariant\b\s*(.*)$/.exec(body);
      if (tag !== null) {
        open = { line: i + 1, text: tag[1]! };
        pending.push(open);
      } else if (body.startsWith("@")) {
        open = undefined;
      } else if (open !== undefined && body !== "") {
        open.text = `${open.text} ${body}`.trim();
      }
      continue;
    }
    open = undefined;
    if (/^\s*\/\//.test(raw)) continue; // plain comments (solhint, forge-lint) between NatSpec and its item
    const declaration = DECLARATION.exec(raw);
    if (declaration !== null) {
      const name = declaration[2] ?? declaration[3]!;
      if (declaration[2] !== undefined) contract = name;
      const on = declaration[2] !== undefined ? name : `${contract}.${name}`;
      for (const tag of pending) invariants.push({ file, line: tag.line, on, text: tag.text });
      if (declaration[3]?.startsWith("invariant_") && pending.length === 0) untagged.push(`${file}:${i + 1} ${on}`);
    } else if (pending.length > 0 && raw.trim() !== "") {
      throw new Error(`${file}:${pending[0]!.line}: @custom:invariant is not on a contract or a function`);
    }
    if (raw.trim() !== "") pending = [];
  }
  if (pending.length > 0) throw new Error(`${file}:${pending[0]!.line}: @custom:invariant is not on anything`);
  return { invariants, untagged };
}

const cell = (s: string): string => s.replaceAll("|", "\\|");

/** The generated block, markers included. */
export function renderBlock(invariants: Invariant[]): string {
  const out = [
    START,
    "<!-- Written by `make properties` (tools/properties.ts) from the `@custom:invariant` tags in src/ and test/:",
    "     edit the tags, not this block; `make properties-check` fails when it is stale. -->",
  ];
  const files = [...new Set(invariants.map((inv) => inv.file))];
  for (const file of files) {
    out.push("", `### \`${file}\``, "", "| on | invariant |", "|---|---|");
    for (const inv of invariants.filter((x) => x.file === file)) out.push(`| \`${inv.on}\` | ${cell(inv.text)} |`);
  }
  out.push(END);
  return out.join("\n");
}

/** `document` with its generated block replaced by `block`. */
export function replaceBlock(document: string, block: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start || document.indexOf(START, start + 1) >= 0) {
    throw new Error(`${PROPERTIES} needs exactly one pair of lines ${START} ... ${END} where the list goes`);
  }
  return document.slice(0, start) + block + document.slice(end + END.length);
}

function solidityFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".sol")) out.push(child);
    }
  };
  for (const root of ROOTS) walk(root);
  return out.sort();
}

/** Every tag of the tree in `dir`, in file and line order; throws naming every invariant_* without a tag. */
export function collect(dir: string): Invariant[] {
  const invariants: Invariant[] = [];
  const untagged: string[] = [];
  for (const file of solidityFiles(dir)) {
    const parsed = parseSolidity(file, readFileSync(path.join(dir, file), "utf8"));
    invariants.push(...parsed.invariants);
    untagged.push(...parsed.untagged);
  }
  if (untagged.length > 0) {
    throw new Error(
      `invariant test functions without a /// @custom:invariant tag (say what each one checks):\n  ${untagged.join("\n  ")}`,
    );
  }
  return invariants;
}

function main(): void {
  const dir = path.resolve(process.argv.slice(2).find((arg) => !arg.startsWith("--")) ?? ".");
  const target = path.join(dir, PROPERTIES);
  const current = readFileSync(target, "utf8");
  const next = replaceBlock(current, renderBlock(collect(dir)));
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error(
        `${PROPERTIES} is stale (its invariant list differs from the @custom:invariant tags): run make properties`,
      );
      process.exit(1);
    }
    console.log(`${PROPERTIES} matches the @custom:invariant tags`);
    return;
  }
  writeFileSync(target, next);
  console.log(`${PROPERTIES}: invariant list rewritten`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(`properties: ${(error as Error).message}`);
    process.exit(1);
  }
}
