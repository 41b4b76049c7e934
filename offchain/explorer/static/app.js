// Bridge explorer page: polls the JSON API every 1.5 s and renders it. No framework, no build
// step; every value from the API is inserted as text (token symbols come from chains).
"use strict";

const POLL_MS = 1500;
const $ = (id) => document.getElementById(id);

/** el("td", { class: "mono", "data-x": 1 }, "text", child, ...) */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "title") node.title = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const short = (h) => (typeof h === "string" && h.length > 14 ? `${h.slice(0, 8)}…${h.slice(-4)}` : (h ?? "—"));
const hash = (h) => (h ? el("span", { class: "mono", title: h }, short(h)) : "—");
const badge = (text, cls) => el("span", { class: `badge ${cls || text}` }, text);

function amount(raw, token) {
  if (raw === null || raw === undefined) return "—";
  const sym = token ? token.symbol : "";
  if (!token || token.decimals === null || token.decimals === undefined) return `${raw} ${sym} (raw)`;
  const d = BigInt(token.decimals);
  const v = BigInt(raw);
  const unit = 10n ** d;
  const whole = v / unit;
  let frac = (v % unit).toString().padStart(Number(d), "0").replace(/0+$/, "");
  if (frac.length > 6) frac = `${frac.slice(0, 6)}…`;
  return `${whole}${frac ? `.${frac}` : ""} ${sym}`;
}

function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds)));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
}

function setBody(id, ...nodes) {
  $(id).replaceChildren(...nodes);
}

// ------------------------------------------------------------------ data

async function getJson(path) {
  let res;
  try {
    res = await fetch(path, { cache: "no-store" });
  } catch (e) {
    throw new Error(`explorer API unreachable (${e.message})`);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body && body.error ? body.error : `HTTP ${res.status}`);
  return body;
}

const state = { unavailable: new Map(), failures: new Map(), lookup: null };

function noteUnavailable(source, body) {
  state.unavailable.set(source, body && Array.isArray(body.unavailable) ? body.unavailable : []);
}

function renderBanner() {
  const lines = new Map();
  for (const list of state.unavailable.values()) {
    for (const u of list) lines.set(u.side, u.message);
  }
  const banner = $("banner");
  const items = [];
  for (const [side, message] of lines) {
    const what =
      side === "db" ? "Node database unavailable" : side === "queue" ? "Proof status unavailable" : `${side} RPC unreachable`;
    items.push(el("p", { "data-side": side }, `${what}: ${message}`));
  }
  for (const [source, message] of state.failures) items.push(el("p", { "data-source": source }, `${source}: ${message}`));
  banner.replaceChildren(...items);
  banner.hidden = items.length === 0;
  const live = $("live");
  if (state.failures.size > 0) {
    live.dataset.state = "error";
    live.textContent = "explorer API unreachable";
  } else {
    live.dataset.state = "ok";
    live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
  }
}

// ------------------------------------------------------------------ sections

function card(title, rows, unavailable) {
  const c = el("div", { class: `card${unavailable ? " unavailable" : ""}` }, el("h3", {}, title));
  if (unavailable) c.append(el("p", { class: "error" }, unavailable));
  else c.append(el("dl", {}, rows.flatMap(([k, v, attrs]) => [el("dt", {}, k), el("dd", attrs || {}, v)])));
  return c;
}

function renderStatus(s) {
  const miss = (side) => {
    const u = s.unavailable.find((x) => x.side === side);
    return u ? `unreachable: ${u.message}` : null;
  };
  const cards = [];
  const l1 = s.l1;
  cards.push(
    card(
      "L1 AssetStorage",
      l1
        ? [
            ["block", l1.blockNumber],
            ["batches proven", l1.batchCount],
            ["deposits", `${l1.depositCount} queued, ${l1.processedDeposits} proven`],
          ]
        : [],
      l1 ? null : miss("L1") || "not read yet",
    ),
  );
  const l2 = s.l2;
  cards.push(
    card(
      "L2 AssetReceiving",
      l2
        ? [
            ["block", l2.blockNumber],
            ["ops logged", l2.opCount],
            ["deposits credited", l2.nextDepositId],
            ["halted", l2.halted ? "yes (exodus)" : "no"],
          ]
        : [],
      l2 ? null : miss("L2") || "not read yet",
    ),
  );
  const p = s.provenRoot;
  cards.push(
    card(
      "Proven root",
      p
        ? [
            ["root", el("span", { class: "mono", id: "proven-root" }, p.root)],
            ["last batch", p.batchNumber === null ? "none yet (genesis)" : `#${p.batchNumber}`],
            [
              "database",
              p.matchesDatabase === null ? "no batch of that number" : p.matchesDatabase ? "matches" : "DIFFERENT ROOT",
            ],
          ]
        : [],
      p ? null : miss("L1") || "not read yet",
    ),
  );
  const q = s.depositQueue;
  const queueRows = [];
  if (q) {
    queueRows.push(["waiting", `${q.pending} deposit${q.pending === "1" ? "" : "s"} not proven`]);
    if (q.oldestPendingId !== null) {
      queueRows.push(["oldest", `#${q.oldestPendingId}, ${duration(q.ageSeconds)} old`]);
      queueRows.push([
        "exodus deadline",
        Number(q.secondsLeft) > 0
          ? `${duration(q.secondsLeft)} left of ${duration(q.deadlineSeconds)}`
          : `passed (${duration(q.deadlineSeconds)}): anyone can activate exodus`,
        { id: "queue-deadline", "data-seconds-left": q.secondsLeft },
      ]);
    } else queueRows.push(["exodus deadline", `${duration(q.deadlineSeconds)} (no deposit waiting)`]);
  }
  cards.push(card("Deposit queue", queueRows, q ? null : miss("L1") || "not read yet"));
  cards.push(
    card("Node", [
      ["deposits seen", s.node.deposits],
      ["ops extracted", s.node.opsExtracted],
      ["batches cut", s.node.batches],
    ]),
  );
  setBody("overview", ...cards);
  const ex = $("exodus");
  if (s.exodus && s.exodus.active) {
    ex.hidden = false;
    ex.textContent =
      `EXODUS MODE is active on L1${s.exodus.l2Halted ? " and L2 is halted" : ""}: no more batches. ` +
      "Users exit with the last proven root: exit, cancel-deposit and claim (CLI).";
  } else ex.hidden = true;
  const alarms = $("alarms");
  const active = s.alarms ?? [];
  alarms.replaceChildren(
    ...active.map((a) => el("p", { "data-alarm": a.name }, `ALARM ${a.name}: ${a.message}. What to do: ${a.action}`)),
  );
  alarms.hidden = active.length === 0;
}

function renderDeposits(d) {
  $("deposits-count").textContent = `(${d.total})`;
  if (d.deposits.length === 0) return setBody("deposits", el("p", { class: "empty" }, "No deposits yet."));
  const rows = d.deposits.map((x) =>
    el(
      "tr",
      { "data-deposit-id": x.depositId, "data-credit-status": x.credit.status, "data-stage": x.stage },
      el("td", {}, `#${x.depositId}`),
      el("td", {}, x.token.symbol),
      el("td", {}, amount(x.amount, x.token)),
      el("td", {}, hash(x.recipient)),
      el("td", {}, badge(x.credit.status), x.credit.error ? el("div", { class: "error" }, x.credit.error) : null),
      el("td", {}, x.batch === null ? "—" : `#${x.batch}`),
      el("td", {}, badge(x.stage)),
      el("td", {}, hash(x.l1Tx)),
    ),
  );
  setBody(
    "deposits",
    table(["id", "token", "amount", "L2 recipient", "L2 credit", "batch", "stage", "L1 tx"], rows),
  );
}

function renderOps(o) {
  $("ops-count").textContent = `(${o.total} extracted${o.l2OpCount !== null ? ` of ${o.l2OpCount} on L2` : ""})`;
  if (o.ops.length === 0) return setBody("ops", el("p", { class: "empty" }, "No L2 ops extracted yet."));
  const rows = o.ops.map((x) =>
    el(
      "tr",
      { "data-op-index": x.opIndex, "data-kind": x.kind },
      el("td", {}, x.opIndex),
      el(
        "td",
        {},
        x.kind,
        x.depositId !== null ? ` (deposit #${x.depositId})` : "",
        x.requestId != null ? ` (L1 request #${x.requestId})` : "",
      ),
      el("td", {}, amount(x.amount, x.token)),
      el("td", {}, hash(x.from)),
      el("td", {}, hash(x.to)),
      el("td", {}, x.batch === null ? "waiting" : `#${x.batch}`),
      el("td", {}, hash(x.l2Tx)),
    ),
  );
  setBody("ops", table(["op", "kind", "amount", "from", "to", "batch", "L2 tx"], rows));
}

function renderBatches(b) {
  const c = b.counts;
  $("batches-count").textContent =
    `(${b.total} cut: ${c.pending} pending, ${c.proving} proving, ${c.proven} proven, ${c.sending} sending, ${c.submitted} submitted${c.failed ? `, ${c.failed} failed` : ""}${c.unknown ? `, ${c.unknown} unknown` : ""})`;
  if (b.batches.length === 0) return setBody("batches", el("p", { class: "empty" }, "No batches yet."));
  const rows = b.batches.map((x) => {
    let proof = "—";
    if (x.proof.status === "unavailable") proof = "unavailable (proof queue unreachable)";
    else if (x.proof.status === "proving")
      proof = `${x.proof.worker} · ${duration((x.proof.elapsedMs ?? 0) / 1000)}${x.proof.attempts > 1 ? ` · attempt ${x.proof.attempts}` : ""}`;
    else if (x.proof.provingMs !== null) proof = `${x.proof.worker ?? ""} in ${duration(x.proof.provingMs / 1000)}`;
    else if (x.proof.error) proof = x.proof.error;
    const gas = x.l1.gasUsed === null ? "—" : `${Number(x.l1.gasUsed).toLocaleString("en-US")} gas`;
    return el(
      "tr",
      { "data-batch": x.batchNumber, "data-status": x.status },
      el("td", {}, `#${x.batchNumber}`),
      el("td", {}, badge(x.status), x.l1.error ? el("div", { class: "error" }, x.l1.error) : null),
      el("td", {}, `${x.ops} ops (${x.deposits.count} deposits, ${x.withdrawals} withdrawals)`),
      el("td", {}, proof),
      el("td", {}, hash(x.l1.tx)),
      el("td", {}, gas),
      el("td", {}, hash(`0x${BigInt(x.newRoot).toString(16).padStart(64, "0")}`)),
    );
  });
  setBody("batches", table(["batch", "status", "content", "proof", "L1 tx", "gas", "new root"], rows));
}

function renderWithdrawals(w) {
  $("withdrawals-count").textContent = `(${w.total})`;
  if (w.claimable === null) setBody("claimable", el("p", { class: "error" }, "Claimable amounts unknown: L1 unreachable."));
  else if (w.claimable.length === 0) setBody("claimable", el("p", { class: "empty" }, "Nothing claimable on L1 right now."));
  else
    setBody(
      "claimable",
      el("h3", {}, "Claimable on L1 now"),
      table(
        ["account", "token", "amount"],
        w.claimable.map((c) =>
          el("tr", { "data-claimable": c.account }, el("td", {}, hash(c.account)), el("td", {}, c.token.symbol), el("td", {}, amount(c.amount, c.token))),
        ),
      ),
    );
  if (w.withdrawals.length === 0) return setBody("withdrawals", el("p", { class: "empty" }, "No withdrawals yet."));
  const rows = w.withdrawals.map((x) =>
    el(
      "tr",
      { "data-stage": x.stage },
      el("td", {}, x.source === "batch" ? (x.opIndex !== null ? `op ${x.opIndex}` : "L2") : x.source),
      el("td", {}, hash(x.recipient)),
      el("td", {}, amount(x.amount, x.token)),
      el("td", {}, x.batch === null ? "—" : `#${x.batch}`),
      el("td", {}, badge(x.stage)),
      el("td", {}, hash(x.claimTx || x.l1Tx)),
    ),
  );
  setBody("withdrawals", table(["from", "L1 recipient", "amount", "batch", "stage", "L1 tx"], rows));
}

function renderLookup(r) {
  const out = [];
  if (!r.found) out.push(el("p", { class: "empty", id: "lookup-none" }, r.message || "Nothing found."));
  for (const j of r.journeys || []) {
    out.push(
      el(
        "div",
        { class: "journey" },
        el("h3", {}, j.title),
        el(
          "ol",
          {},
          j.steps.map((s) =>
            el("li", { class: s.state, "data-step": s.step, "data-state": s.state }, el("b", {}, s.step), el("span", {}, s.detail)),
          ),
        ),
      ),
    );
  }
  if (r.kind === "address") {
    if (r.l2Balances && r.l2Balances.length)
      out.push(
        el(
          "p",
          {},
          "L2 balances: ",
          r.l2Balances
            .map((b) =>
              BigInt(b.held) > 0n
                ? `${amount(b.amount, b.token)} (held ${amount(b.held, b.token)}, spendable ${amount(b.spendable, b.token)})`
                : amount(b.amount, b.token),
            )
            .join(", "),
        ),
      );
    if (r.claimable && r.claimable.length)
      out.push(el("p", {}, "Claimable on L1: ", r.claimable.map((c) => amount(c.amount, c.token)).join(", ")));
    if (r.ops && r.ops.length) out.push(el("p", {}, `${r.ops.length} L2 op(s) involve this address.`));
  }
  if (r.kind === "tx" && r.batchNumber !== null) out.push(el("p", {}, `This transaction submitted batch #${r.batchNumber}.`));
  if (r.kind === "tx" && r.ops && r.ops.length && !(r.journeys || []).length)
    out.push(el("p", {}, `L2 op(s) ${r.ops.map((o) => `${o.opIndex} (${o.kind})`).join(", ")}.`));
  setBody("lookup-result", ...out);
}

// ------------------------------------------------------------------ loop

const SECTIONS = [
  ["status", "/api/status", renderStatus, "overview"],
  ["deposits", "/api/deposits", renderDeposits, "deposits"],
  ["batches", "/api/batches", renderBatches, "batches"],
  ["withdrawals", "/api/withdrawals", renderWithdrawals, "withdrawals"],
  ["ops", "/api/ops", renderOps, "ops"],
];

async function refreshSection([name, path, render, target]) {
  try {
    const body = await getJson(path);
    noteUnavailable(name, body);
    state.failures.delete(name);
    render(body);
  } catch (e) {
    state.failures.set(name, e.message);
    // Keep the last good data on screen; only an empty section shows the error.
    const node = $(target);
    if (node.querySelector(".loading")) setBody(target, el("p", { class: "error" }, `Could not load: ${e.message}`));
  }
}

async function refreshLookup() {
  if (!state.lookup) return;
  const q = state.lookup;
  try {
    const body = await getJson(`/api/lookup?q=${encodeURIComponent(q)}`);
    if (state.lookup === q) {
      noteUnavailable("lookup", body);
      state.failures.delete("lookup");
      renderLookup(body);
    }
  } catch (e) {
    state.failures.delete("lookup");
    if (state.lookup === q) setBody("lookup-result", el("p", { class: "error" }, e.message));
  }
}

async function tick() {
  await Promise.all([...SECTIONS.map(refreshSection), refreshLookup()]);
  renderBanner();
  setTimeout(tick, POLL_MS);
}

$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("lookup-input").value.trim();
  state.lookup = q || null;
  state.unavailable.delete("lookup");
  history.replaceState(null, "", q ? `#q=${encodeURIComponent(q)}` : "#");
  if (q) {
    setBody("lookup-result", el("p", { class: "loading" }, "Looking up…"));
    refreshLookup();
  } else setBody("lookup-result");
});

const initial = new URLSearchParams(location.hash.slice(1)).get("q");
if (initial) {
  $("lookup-input").value = initial;
  state.lookup = initial;
}
tick();
