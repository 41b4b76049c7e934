// Layer and cycle check of the TypeScript tree (issue 15), run by `make lint`:
//   node --import tsx tools/check-layers.ts [dir]   (dir: the repository root, default the working directory)
// Reads the relative static imports (`import ... from "./x.js"`, `import "./x.js"`, `export ... from "./x.js"`)
// of every .ts file under offchain/, bench/ and circuits/ and fails when
//   (a) offchain/ modules import each other in a cycle,
//   (b) offchain/lib/ or offchain/runtime/ import a service folder or offchain/testing/
//       (their *.test.ts files may import offchain/testing/),
//   (c) offchain/lib/ imports offchain/runtime/ (lib is the pure protocol core),
//   (d) a .ts file under offchain/, bench/ or tools/ holds SQL outside its database's owner: the node database's
//       module offchain/runtime/node-db/ and the attester's offchain/attester/store.ts (SQL_OWNERS). SQL is a call
//       `.prepare(...)`, `.pragma(...)` or `.exec("...")` (a string or template first argument, so RegExp#exec
//       and a Redis MULTI's exec() pass), or a string or template literal that starts with SELECT, INSERT,
//       UPDATE, DELETE, CREATE, DROP, ALTER or PRAGMA. *.test.ts files are exempt: their fixtures write
//       rows the module must refuse (corrupt rows, an old schema, a failing trigger) to test that it does.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const ROOTS = ["offchain", "bench", "circuits"];
/** Where rule (d) looks for SQL. */
export const SQL_ROOTS = ["offchain", "bench", "tools"];
/** The owners of the SQLite databases: a folder (ending in "/") or a file. */
export const SQL_OWNERS = ["offchain/runtime/node-db/", "offchain/attester/store.ts"];
export const SERVICES = [
  "monitor",
  "extractor",
  "prover",
  "sender",
  "explorer",
  "cli",
  "attester",
  "devnet",
  "e2e",
  "node",
];

/** Import edges left out of the cycle check, each with the reason it is still there. Keep the list short. */
export const CYCLE_ALLOW: { from: string; to: string; why: string }[] = [
  {
    // attester.ts starts the HTTP API of server.ts, and server.ts names the types of attester.ts.
    // The import is type-only (erased at run time, so no load-order cycle); the fix is to move `Answer` and
    // the interface the server needs into offchain/attester/types.ts, left to the attester's owner.
    from: "offchain/attester/server.ts",
    to: "offchain/attester/attester.ts",
    why: "type-only import of Answer and Attester; to be moved to offchain/attester/types.ts",
  },
];

export interface Import {
  file: string;
  spec: string;
  line: number;
  /** The .ts file the import names (repository-relative, "/" separators); undefined when outside the tree. */
  target: string | undefined;
}

export interface Violation {
  rule:
    | "cycle"
    | "lib-runtime-uses-service"
    | "lib-runtime-uses-testing"
    | "lib-uses-runtime"
    | "sql-outside-db-module";
  message: string;
}

/** The relative module specifiers of the static imports and re-exports of one file, with their lines. */
export function parseImports(file: string, text: string): { spec: string; line: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { spec: string; line: number }[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    out.push({ spec: spec.text, line: source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1 });
  }
  return out;
}

/** The file of the tree a relative specifier names: "./x.js" is x.ts (or x.d.ts, or x/index.ts). */
export function resolveImport(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.(js|ts|mjs)$/, "");
  for (const candidate of [`${stem}.ts`, `${stem}.d.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** "lib", "runtime", "testing", a service name, ... for a file under offchain/; undefined elsewhere. */
export function layerOf(file: string): string | undefined {
  const parts = file.split("/");
  if (parts[0] !== "offchain" || parts.length < 2) return undefined;
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, "") : parts[1];
}

function layerRule(imp: Import): Violation | undefined {
  const from = layerOf(imp.file);
  const to = imp.target === undefined ? undefined : layerOf(imp.target);
  if ((from !== "lib" && from !== "runtime") || to === undefined) return undefined;
  const where = `${imp.file}:${imp.line} imports "${imp.spec}" (${imp.target})`;
  if (SERVICES.includes(to)) {
    return {
      rule: "lib-runtime-uses-service",
      message: `${where}: offchain/${from} must not import a service (offchain/${to}); move the code it needs down into offchain/lib or offchain/runtime`,
    };
  }
  if (to === "testing" && !imp.file.endsWith(".test.ts")) {
    return {
      rule: "lib-runtime-uses-testing",
      message: `${where}: offchain/${from} must not import offchain/testing outside its *.test.ts files`,
    };
  }
  if (from === "lib" && to === "runtime") {
    return {
      rule: "lib-uses-runtime",
      message: `${where}: offchain/lib is the pure protocol core and must not import offchain/runtime; move the code into lib or the caller into runtime`,
    };
  }
  return undefined;
}

const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA)\b/;
const SQL_CALLS = new Set(["prepare", "pragma", "exec"]);

/** True when rule (d) reads the file: under SQL_ROOTS, not a test, not an owner. */
export function sqlChecked(file: string): boolean {
  if (!SQL_ROOTS.includes(file.split("/")[0]!) || file.endsWith(".test.ts")) return false;
  return !SQL_OWNERS.some((o) => (o.endsWith("/") ? file.startsWith(o) : file === o));
}

/** The SQL of one file (rule d): one finding per line, with what was found there. */
export function findSql(file: string, text: string): { line: number; what: string }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: { line: number; what: string }[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const first = node.arguments[0];
      const literal = first !== undefined && (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first));
      if (SQL_CALLS.has(name) && (name !== "exec" || literal)) out.push({ line: at(node), what: `.${name}(...)` });
    } else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node)) {
      const m = SQL_START.exec(node.text);
      if (m) out.push({ line: at(node), what: `a string starting with ${m[1]}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out.filter((f, i) => out.findIndex((g) => g.line === f.line) === i);
}

function sqlRule(file: string, text: string): Violation[] {
  if (!sqlChecked(file)) return [];
  return findSql(file, text).map(({ line, what }) => ({
    rule: "sql-outside-db-module",
    message: `${file}:${line}: SQL (${what}) outside the database module; add a typed function to offchain/runtime/node-db/ (one per read or write) and call it`,
  }));
}

/** Every cycle among offchain/ modules, one per strongly connected component (Tarjan), as a closed path. */
export function findCycles(imports: Import[], allow = CYCLE_ALLOW): string[][] {
  const allowed = new Set(allow.map((a) => `${a.from} -> ${a.to}`));
  const graph = new Map<string, string[]>();
  for (const imp of imports) {
    if (imp.target === undefined || layerOf(imp.file) === undefined || layerOf(imp.target) === undefined) continue;
    if (allowed.has(`${imp.file} -> ${imp.target}`)) continue;
    const next = graph.get(imp.file) ?? [];
    if (!next.includes(imp.target)) next.push(imp.target);
    graph.set(imp.file, next);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = new Set<string>();
    for (let top = stack.pop()!; ; top = stack.pop()!) {
      onStack.delete(top);
      component.add(top);
      if (top === node) break;
    }
    const selfLoop = (graph.get(node) ?? []).includes(node);
    if (component.size > 1 || selfLoop) cycles.push(cycleThrough(node, component, graph));
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** A shortest closed path from start back to start inside one component (breadth-first). */
function cycleThrough(start: string, component: Set<string>, graph: Map<string, string[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = parent.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Checks a tree given as repository-relative path -> source text. */
export function checkTree(tree: ReadonlyMap<string, string>, allow = CYCLE_ALLOW): Violation[] {
  const files = new Set(tree.keys());
  const imports: Import[] = [];
  for (const [file, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
    for (const { spec, line } of parseImports(file, text)) {
      imports.push({ file, spec, line, target: resolveImport(file, spec, files) });
    }
  }
  const violations: Violation[] = [];
  for (const imp of imports) {
    const violation = layerRule(imp);
    if (violation !== undefined) violations.push(violation);
  }
  for (const [file, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) violations.push(...sqlRule(file, text));
  for (const cycle of findCycles(imports, allow)) {
    violations.push({
      rule: "cycle",
      message: `import cycle: ${cycle.join(" -> ")}; break it by moving the shared code into a module both can import (or list an edge in CYCLE_ALLOW of tools/check-layers.ts with the reason)`,
    });
  }
  return violations;
}

/** Reads every .ts file under the roots of a directory into a tree for checkTree. */
export function readTree(dir: string, roots = ROOTS): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== "node_modules") walk(child);
      else if (entry.isFile() && entry.name.endsWith(".ts"))
        tree.set(child, readFileSync(path.join(dir, child), "utf8"));
    }
  };
  for (const root of roots) if (existsSync(path.join(dir, root))) walk(root);
  return tree;
}

function main(): void {
  const tree = readTree(path.resolve(process.argv[2] ?? "."), [...new Set([...ROOTS, ...SQL_ROOTS])]);
  const violations = checkTree(tree);
  for (const v of violations) console.error(`check-layers [${v.rule}] ${v.message}`);
  if (violations.length > 0) {
    console.error(
      `check-layers: ${violations.length} violation(s) in ${tree.size} files (rules: docs in tools/check-layers.ts)`,
    );
    process.exit(1);
  }
  console.log(
    `check-layers: ${tree.size} files, no import cycle, lib <- runtime <- services layering holds, no SQL outside offchain/runtime/node-db/ and offchain/attester/store.ts`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
