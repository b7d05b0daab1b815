// Draws report.html from the results embedded in it. Charts are uPlot, inlined from its WebJar.
"use strict";
(() => {
  const R = JSON.parse(document.getElementById("results").textContent);
  const C = ["#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"];
  const el = (tag, attrs = {}, ...kids) => {
    const e = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    kids.forEach(k => e.append(k instanceof Node ? k : document.createTextNode(k == null ? "–" : String(k))));
    return e;
  };
  const fmt = (v, d = 1) => v == null ? "–" : Number(v).toFixed(d);
  const t = R.windows.map(w => w.t);

  // Phases as alternating bands, faults as red bands, on every time chart.
  function bands(u) {
    const ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    R.phases.forEach((p, i) => {
      const x0 = u.valToPos(p.start, "x", true), x1 = u.valToPos(p.end, "x", true);
      ctx.fillStyle = i % 2 ? "rgba(0,0,0,0.035)" : "rgba(0,0,0,0)";
      ctx.fillRect(x0, top, x1 - x0, h);
      ctx.fillStyle = "#888"; ctx.font = `${10 * devicePixelRatio}px sans-serif`;
      ctx.fillText(p.name, x0 + 4, top + 12 * devicePixelRatio);
    });
    R.faults.forEach(f => {
      const x0 = u.valToPos(f.setAt, "x", true), x1 = u.valToPos(f.clearedAt, "x", true);
      ctx.fillStyle = "rgba(214,39,40,0.10)";
      ctx.fillRect(x0, top, x1 - x0, h);
    });
  }

  function chart(container, title, xs, series, opts = {}) {
    const box = el("div", {class: "chart"}, el("h3", {}, title));
    container.append(box);
    const width = Math.max(520, box.clientWidth || 560);
    new uPlot({
      width, height: 220, hooks: opts.time === false ? {} : {drawClear: [bands]},
      scales: {x: {time: false}, y: {range: (u, min, max) => [0, Math.max(1e-9, max * 1.1)]}},
      axes: [{label: opts.xLabel || "seconds"}, {label: opts.yLabel || ""}],
      series: [{label: opts.xLabel || "s"}, ...series.map((s, i) => Object.assign({label: s.label, stroke: C[i % C.length], width: 1.5}, s.style || {}))],
    }, [xs, ...series.map(s => s.data)], box);
  }

  // --- header and verdicts
  document.getElementById("title").textContent = `${R.scenario} — ${R.label}`;
  const m = R.machine;
  document.getElementById("meta").textContent = `${R.target}, started ${R.startedAt}, ${fmt(R.seconds, 0)} s; machine: ${m.cores} cores, ` +
    `${(m.memoryMiB / 1024).toFixed(0)} GiB, JDK ${m.jdk}, ${m.os}; ${R.run.intended} requests intended, ${R.run.dropped} dropped, ${R.run.late} sent late`;
  const verdict = document.getElementById("verdict");
  verdict.className = R.passed ? "pass" : "fail";
  verdict.textContent = R.passed ? "PASS: every SLO held" : "FAIL: " + R.verdicts.filter(v => !v.passed).map(v => `${v.slo} (${v.check})`).join(", ");
  const vt = document.getElementById("verdicts");
  vt.append(el("tr", {}, ...["SLO", "check", "result", "measured", "needed", "detail"].map(h => el("th", {}, h))));
  R.verdicts.forEach(v => vt.append(el("tr", {}, el("td", {}, v.slo), el("td", {}, v.check),
    el("td", {class: v.passed ? "pass" : "fail"}, v.passed ? "pass" : "fail"), el("td", {}, fmt(v.measured, 3)), el("td", {}, fmt(v.threshold, 3)),
    el("td", {}, v.detail))));

  // --- findings
  const f = document.getElementById("findings");
  const cap = R.capacity;
  if (cap.maxThroughput != null) {
    f.append(el("li", {}, `Capacity (USL over ${cap.points.length} steps): ceiling ${fmt(cap.maxThroughput, 0)}/s at concurrency ` +
      `${fmt(cap.peakConcurrency, 1)}; σ = ${fmt(cap.sigma, 4)}, κ = ${fmt(cap.kappa, 6)}, λ = ${fmt(cap.lambda, 1)}, R² = ${fmt(cap.rSquared, 3)}.`));
  } else {
    f.append(el("li", {}, cap.note || "no capacity model"));
  }
  if (cap.at10x) f.append(el("li", {}, cap.at10x.text + (cap.at10x.extrapolation ? " (extrapolation)" : "")));
  if (cap.knee) f.append(el("li", {}, `Knee of the latency curve at ${fmt(cap.knee.offeredPerSecond, 0)}/s offered (p99 ${fmt(cap.knee.p99Ms, 1)} ms).`));
  if (cap.note && cap.maxThroughput != null) f.append(el("li", {class: "note"}, cap.note));
  if (R.run.measuredCapacity != null) f.append(el("li", {}, `Capacity measured by the steps for later phases: ${fmt(R.run.measuredCapacity, 0)}/s goodput.`));
  f.append(el("li", {}, R.breaksFirst ? `Breaks first: ${R.breaksFirst.signal} reached ${fmt(R.breaksFirst.value, 2)} ` +
    `(threshold ${R.breaksFirst.threshold}) at ${R.breaksFirst.atSecond} s, in ${R.breaksFirst.phase}, at ${R.breaksFirst.offeredPerSecond}/s offered.`
    : "No server signal stayed at its saturation threshold for 3 s."));
  R.drift.forEach(d => f.append(el("li", {class: d.significant ? "note" : ""}, d.finding)));
  R.faults.forEach(x => f.append(el("li", {}, `Fault ${x.name} (${x.provider}) ${fmt(x.setAt, 1)}–${fmt(x.clearedAt, 1)} s: ` +
    (x.recoverySeconds == null ? "goodput not back to 90% of before within the run" : `goodput back within ${fmt(x.recoverySeconds, 0)} s`) +
    (x.error ? ` (fault API: ${x.error})` : ""))));
  if (R.run.scrapeFailures) f.append(el("li", {class: "note"}, `${R.run.scrapeFailures} scrapes failed; last: ${R.run.scrapeError}`));

  // --- phases
  const pt = document.getElementById("phases");
  pt.append(el("tr", {}, ...["phase", "type", "from s", "to s", "offered/s", "sent/s", "goodput/s", "shed/s", "errors/s", "p50 ms", "p99 ms", "dropped", "late"].map(h => el("th", {}, h))));
  R.phases.forEach(p => pt.append(el("tr", {}, el("td", {}, p.name), el("td", {}, p.type), el("td", {}, fmt(p.start, 0)), el("td", {}, fmt(p.end, 0)),
    el("td", {}, fmt(p.offeredPerSecond)), el("td", {}, fmt(p.achievedPerSecond)), el("td", {}, fmt(p.goodputPerSecond)), el("td", {}, fmt(p.shedPerSecond)), el("td", {}, fmt(p.errorsPerSecond)),
    el("td", {}, fmt(p.p50, 1)), el("td", {}, fmt(p.p99, 1)), el("td", {}, p.dropped), el("td", {}, p.late))));

  // --- charts
  const charts = document.getElementById("charts");
  chart(charts, "Offered load, throughput and goodput (requests/s)", t, [
    {label: "offered", data: R.windows.map(w => w.offered)}, {label: "goodput", data: R.windows.map(w => w.goodput)},
    {label: "errors", data: R.windows.map(w => w.errors + w.timeouts)}, {label: "shed", data: R.windows.map(w => w.shed)},
    {label: "dropped by the generator", data: R.windows.map(w => w.dropped)}], {yLabel: "req/s"});
  chart(charts, "Latency from intended start (ms)", t, [
    {label: "p50", data: R.windows.map(w => w.p50)}, {label: "p90", data: R.windows.map(w => w.p90)},
    {label: "p99", data: R.windows.map(w => w.p99)}, {label: "p99.9", data: R.windows.map(w => w.p999)}], {yLabel: "ms"});
  const labels = [...new Set(R.windows.flatMap(w => Object.keys(w.labels)))].sort();
  chart(charts, "Shed per second, by operation and stream", t, labels.map(l => ({label: l, data: R.windows.map(w => (w.labels[l] || {}).shed ?? 0)})), {yLabel: "req/s"});
  chart(charts, "Goodput per second, by operation and stream", t, labels.map(l => ({label: l, data: R.windows.map(w => (w.labels[l] || {}).goodput ?? 0)})), {yLabel: "req/s"});
  const sig = R.signals;
  const ratio = ["limiter_utilisation", "cpu", "gc_overhead", "heap_after_gc"].filter(s => sig[s]);
  if (ratio.length) chart(charts, "Saturation signals (share of capacity)", t, ratio.map(s => ({label: s, data: sig[s]})), {yLabel: "ratio"});
  const counts = ["pool_pending", "breakers_open"].filter(s => sig[s]);
  if (counts.length) chart(charts, "Connection-pool waiters and open breakers", t, counts.map(s => ({label: s, data: sig[s]})));
  const queue = ["queue_depth", "queue_age_s"].filter(s => sig[s]);
  if (queue.length) chart(charts, "Job queue: depth and oldest ready job's age (s)", t, queue.map(s => ({label: s, data: sig[s]})));
  const dead = ["dead_tuples", "job_dead_tuples"].filter(s => sig[s]);
  if (dead.length) chart(charts, "Dead tuples: all the app's tables, and the job queue's alone", t, dead.map(s => ({label: s, data: sig[s]})));
  if (cap.points.length) {
    const pts = cap.points.map(p => [p.concurrency, p.throughput]).sort((a, b) => a[0] - b[0]);
    const maxN = Math.max(...pts.map(p => p[0]), cap.peakConcurrency || 0) * 1.2 || 1;
    const grid = [...Array(60).keys()].map(i => (i + 1) * maxN / 60);
    const xs = [...new Set([...grid, ...pts.map(p => p[0])])].sort((a, b) => a - b);
    const usl = n => cap.lambda == null ? null : cap.lambda * n / (1 + cap.sigma * (n - 1) + cap.kappa * n * (n - 1));
    chart(charts, "Universal Scalability Law: throughput against concurrency", xs, [
      {label: "measured", data: xs.map(x => (pts.find(p => p[0] === x) || [])[1] ?? null), style: {paths: () => null, points: {show: true, size: 8}}},
      {label: "fitted", data: xs.map(x => grid.includes(x) ? usl(x) : null), style: {spanGaps: true}}],
      {time: false, xLabel: "concurrency (Little's law)", yLabel: "req/s"});
  }
})();
