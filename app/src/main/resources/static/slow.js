// The slow-request explorer: /ops/slow with filters, each request's time split, and its trace from /ops/traces.
"use strict";

const PARTS = [["admissionWaitMicros", "#ff7f0e"], ["databaseMicros", "#1f77b4"], ["callsMicros", "#2ca02c"], ["otherMicros", "#bbb"]];
const ms = micros => (micros / 1000).toFixed(1);

function split(e) {
  const bar = Ops.el("div", {class: "bar", title: PARTS.map(([k]) => `${k.replace("Micros", "")} ${ms(e[k])} ms`).join(", ")});
  for (const [k, colour] of PARTS) {
    bar.append(Ops.el("span", {style: `width:${e.totalMicros ? 100 * e[k] / e.totalMicros : 0}%;background:${colour}`}));
  }
  return bar;
}

async function load() {
  const form = new FormData(document.getElementById("filter"));
  const q = new URLSearchParams();
  for (const [k, v] of form) if (String(v).trim()) q.set(k, String(v).trim());
  const error = document.getElementById("load-error");
  const t = document.getElementById("slow");
  try {
    const entries = await Ops.call("/ops/slow?" + q);
    error.hidden = true;
    t.replaceChildren(Ops.el("tr", {}, ...["at", "request", "status", "tenant", "total ms", "wait", "db", "calls", "split", "trace"].map(h => Ops.el("th", {}, h))));
    if (!entries.length) t.append(Ops.el("tr", {}, Ops.el("td", {colspan: 10, class: "empty"}, "no request matches")));
    for (const e of entries) {
      t.append(Ops.el("tr", {"data-trace": e.traceId || ""},
        Ops.el("td", {}, new Date(e.at).toLocaleTimeString()), Ops.el("td", {}, `${e.method} ${e.route}`), Ops.el("td", {}, e.status),
        Ops.el("td", {}, e.tenant), Ops.el("td", {}, ms(e.totalMicros)), Ops.el("td", {}, ms(e.admissionWaitMicros)),
        Ops.el("td", {}, ms(e.databaseMicros)), Ops.el("td", {}, ms(e.callsMicros)), Ops.el("td", {}, split(e)),
        Ops.el("td", {}, e.traceId ? Ops.el("a", {href: "#" + e.traceId, onclick: ev => { ev.preventDefault(); trace(e.traceId); }}, "trace") : "–")));
    }
  } catch (e) {
    error.hidden = false;
    error.textContent = e.status === 401 ? "the operator key was refused: enter it above" : `could not load /ops/slow: ${e.message}`;
  }
}

async function trace(id) {
  document.getElementById("trace-title").textContent = "Trace " + id;
  const t = document.getElementById("trace");
  try {
    const spans = await Ops.call("/ops/traces/" + id);
    const depth = {};
    t.replaceChildren(Ops.el("tr", {}, ...["span", "start", "ms", "status", "attributes"].map(h => Ops.el("th", {}, h))));
    for (const s of spans) {
      depth[s.spanId] = s.parentSpanId && depth[s.parentSpanId] != null ? depth[s.parentSpanId] + 1 : 0;
      t.append(Ops.el("tr", {}, Ops.el("td", {style: `padding-left:${0.5 + depth[s.spanId]}em`}, s.name), Ops.el("td", {}, s.start),
        Ops.el("td", {}, ms(s.durationMicros)), Ops.el("td", {}, s.status),
        Ops.el("td", {}, Object.entries(s.attributes || {}).map(([k, v]) => `${k}=${v}`).join(" "))));
    }
  } catch (e) {
    t.replaceChildren(Ops.el("tr", {}, Ops.el("td", {class: "error"}, `trace ${id}: ${e.message}`)));
  }
}

document.getElementById("filter").addEventListener("submit", ev => { ev.preventDefault(); load(); });
Ops.keyForm(load);
