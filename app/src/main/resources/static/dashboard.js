// The operator dashboard: polls /ops/dashboard and draws it. Charts are uPlot (served as a WebJar).
"use strict";

const POLL_MS = 2000;
const COLOURS = ["#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const BREAKER = {"0": "closed", "1": "open", "2": "half-open", "-1": "no breaker"};
const charts = {};

// What each chart plots: fixed series, or one series per key of a map in the sample.
const CHART_SERIES = {
  traffic: () => [["requests", s => s.requestsPerSecond], ["errors (5xx)", s => s.errorsPerSecond], ["shed", s => s.shedPerSecond]],
  latency: () => [["p50", s => s.p50Millis], ["p95", s => s.p95Millis], ["p99", s => s.p99Millis]],
  limit: () => [["limit", s => s.limit], ["in flight", s => s.inFlight]],
  admitted: samples => byKey(samples, "admittedPerSecond"),
  shed: samples => byKey(samples, "shedPerSecondByClass"),
  depth: samples => byKey(samples, "queueDepth"),
  age: samples => byKey(samples, "queueOldestAgeSeconds"),
  dead: samples => byKey(samples, "deadLetters"),
  pending: samples => byKey(samples, "poolPending"),
};

function byKey(samples, field) {
  const keys = [...new Set(samples.flatMap(s => Object.keys(s[field] || {})))].sort();
  return keys.map(k => [k, s => (s[field] || {})[k] ?? null]);
}

function draw(name, samples) {
  const el = document.querySelector(`[data-chart="${name}"]`);
  const series = CHART_SERIES[name](samples);
  const labels = series.map(s => s[0]).join("|");
  const data = [samples.map(s => Date.parse(s.at) / 1000), ...series.map(([, f]) => samples.map(f))];
  let chart = charts[name];
  if (!chart || chart.labels !== labels) {
    if (chart) chart.plot.destroy();
    const opts = {
      width: Math.max(320, el.clientWidth || 520), height: 180,
      scales: {x: {time: true}, y: {range: (u, min, max) => [0, Math.max(1, max * 1.1)]}},
      series: [{}, ...series.map(([label], i) => ({label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: false}))],
    };
    chart = charts[name] = {plot: new uPlot(opts, data, el), labels};
  } else {
    chart.plot.setData(data);
  }
  // What the chart holds, for a person hovering and for the browser test.
  const values = data.slice(1).flat().filter(v => v != null);
  el.dataset.points = String(data[0].length);
  el.dataset.max = String(values.length ? Math.max(...values) : 0);
}

function table(id, head, rows, empty) {
  const t = document.getElementById(id);
  t.replaceChildren(Ops.el("tr", {}, ...head.map(h => Ops.el("th", {}, h))));
  if (!rows.length) {
    t.append(Ops.el("tr", {}, Ops.el("td", {colspan: head.length, class: "empty"}, empty)));
  }
  for (const r of rows) t.append(r);
}

function render(d) {
  document.getElementById("mode").textContent = d.mode;
  document.getElementById("updated").textContent = `${d.samples.length} samples every ${d.sampleIntervalMillis / 1000} s, at ${new Date(d.generatedAt).toLocaleTimeString()}`;
  for (const name of Object.keys(CHART_SERIES)) draw(name, d.samples);

  const last = d.samples[d.samples.length - 1] || {breakerState: {}};
  table("breakers", ["dependency", "state"], Object.entries(last.breakerState).map(([dep, st]) =>
    Ops.el("tr", {}, Ops.el("td", {}, dep), Ops.el("td", {class: st === 1 ? "error" : "ok"}, BREAKER[String(st)] || st))),
    "no outbound dependency sampled yet");

  table("tenants", ["tenant", "admitted", "shed"], d.tenants.map(t =>
    Ops.el("tr", {}, Ops.el("td", {}, t.tenant), Ops.el("td", {}, t.admitted), Ops.el("td", {class: t.rejected ? "error" : ""}, t.rejected))),
    d.mode === "naive" ? "naive mode: no admission control" : "no tenant traffic in the window");

  table("slos", ["SLO", "target", "requests", "bad", "budget left", "burn 5m", "30m", "1h", "6h", "alert"], d.slos.map(s =>
    Ops.el("tr", {}, Ops.el("td", {}, s.name), Ops.el("td", {}, (s.target * 100).toFixed(2) + "%"), Ops.el("td", {}, s.total),
      Ops.el("td", {}, s.bad), Ops.el("td", {class: s.budgetRemaining < 0 ? "error" : ""}, (s.budgetRemaining * 100).toFixed(1) + "%"),
      Ops.el("td", {}, Ops.fmt(s.burn5m, 2)), Ops.el("td", {}, Ops.fmt(s.burn30m, 2)), Ops.el("td", {}, Ops.fmt(s.burn1h, 2)),
      Ops.el("td", {}, Ops.fmt(s.burn6h, 2)),
      Ops.el("td", {}, s.page ? Ops.el("span", {class: "alert"}, "page") : s.ticket ? Ops.el("span", {class: "alert"}, "ticket") : "–"))),
    "no SLO declared");

  table("dead-jobs", ["id", "queue", "kind", "tenant", "attempts", "died", "last error", ""], d.deadJobs.map(j =>
    Ops.el("tr", {"data-job": j.id}, Ops.el("td", {}, j.id), Ops.el("td", {}, j.queue), Ops.el("td", {}, j.kind), Ops.el("td", {}, j.tenant),
      Ops.el("td", {}, `${j.attempts}/${j.maxAttempts}`), Ops.el("td", {}, new Date(j.diedAt).toLocaleString()),
      Ops.el("td", {}, j.lastError), Ops.el("td", {}, Ops.el("button", {class: "replay", onclick: () => replay(j.id)}, "replay")))),
    "no dead letters");
}

async function replay(id) {
  const status = document.getElementById("replay-status");
  try {
    await Ops.call(`/ops/dead-jobs/${id}/replay`, "POST");
    status.className = "ok";
    status.textContent = `job ${id} is pending again`;
  } catch (e) {
    status.className = "error";
    status.textContent = `job ${id} was not replayed: ${e.message}`;
  }
  refresh();
}

async function refresh() {
  const error = document.getElementById("load-error");
  try {
    render(await Ops.call("/ops/dashboard?minutes=15"));
    error.hidden = true;
  } catch (e) {
    error.hidden = false;
    error.textContent = e.status === 401 ? "the operator key was refused: enter it above" : `could not load /ops/dashboard: ${e.message}`;
  }
}

let timer = null;
Ops.keyForm(() => {
  refresh();
  if (!timer) timer = setInterval(refresh, POLL_MS);
});
