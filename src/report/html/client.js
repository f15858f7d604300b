// Draws the report's charts with uPlot from the JSON data block. Runs offline, makes no request.
// Values from the scanned system reach the page only as canvas text or textContent, never as HTML.
(() => {
  const data = JSON.parse(document.getElementById("mamori-chart-data").textContent);
  const L = data.labels;
  const charts = {};
  window.mamoriCharts = charts;
  // Axes in the reader's zone, as the tables (the CLI resolved it from TZ).
  const zone = typeof data.timeZone === "string" ? data.timeZone : "Etc/UTC";
  const utc = (ts) => {
    try {
      return uPlot.tzDate(new Date(ts * 1e3), zone);
    } catch {
      return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
    }
  };
  // As wide as its box (a phone's too): a fixed minimum would push the page sideways.
  const width = (el) => Math.max(200, Math.min(1100, el.clientWidth || 800));
  const OUTCOME_COLORS = { succeeded: "#c0392b", blocked: "#2e86c1", failed: "#7f8c8d", unknown: "#d4ac0d" };
  const SEV_COLORS = {
    critical: "#922b21",
    high: "#e74c3c",
    medium: "#f39c12",
    low: "#2e86c1",
    info: "#95a5a6",
  };
  const KIND_COLORS = ["#c0392b", "#8e44ad", "#16a085", "#d35400", "#2c3e50"];
  const bars = uPlot.paths.bars({ size: [0.6, 80], align: 0 });

  function draw(id, build) {
    const el = document.getElementById(id);
    if (!el) return;
    try {
      charts[id] = build(el);
      // Legend values only while the cursor is on the chart (idle, uPlot would print "--").
      el.classList.add("idle");
      el.addEventListener("mouseenter", () => el.classList.remove("idle"));
      el.addEventListener("mouseleave", () => el.classList.add("idle"));
    } catch (err) {
      el.dataset.chartError = String(err);
    }
  }

  draw("chart-attacks", (el) => {
    const a = data.attacks;
    // Stacked bars: each series is drawn as the sum of itself and the outcomes below it, tallest first,
    // so every hour shows one bar split by outcome. The legend shows the real count.
    const order = ["succeeded", "blocked", "failed", "unknown"].filter((o) => o in a.counts);
    const cum = order.map((_o, k) =>
      a.x.map((_x, i) => order.slice(0, k + 1).reduce((s, o) => s + a.counts[o][i], 0) || null),
    );
    const drawOrder = order.map((o, k) => ({ o, k })).reverse();
    const u = new uPlot(
      {
        width: width(el),
        height: 260,
        tzDate: utc,
        scales: {
          x: { range: (_u, min, max) => [min - 2400, max + 2400] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        series: [
          { label: L.time },
          ...drawOrder.map(({ o }) => ({
            label: L.outcomes[o],
            stroke: OUTCOME_COLORS[o],
            fill: OUTCOME_COLORS[o],
            paths: uPlot.paths.bars({ size: [0.8, 40] }),
            points: { show: false },
            value: (_u, _v, _si, i) => (i == null ? "" : a.counts[o][i]),
          })),
        ],
        axes: [{}, { label: L.attempts }],
      },
      [a.x, ...drawOrder.map(({ k }) => cum[k])],
      el,
    );
    u.mamoriOutcomes = drawOrder.map(({ o }) => o);
    return u;
  });

  draw("chart-cpu", (el) => {
    const c = data.cpu;
    return new uPlot(
      {
        width: width(el),
        height: 260,
        scales: {
          x: { time: false, range: [-0.5, c.labels.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max * 1.1] },
        },
        series: [
          { label: L.process, value: (_u, v) => (v == null ? "" : c.labels[v]) },
          { label: L.cpuSeconds, fill: "#8e44ad", stroke: "#6c3483", paths: bars, points: { show: false } },
        ],
        axes: [
          {
            values: (_u, splits) => splits.map((v) => c.labels[v] ?? ""),
            splits: () => c.labels.map((_l, i) => i),
            rotate: -20,
            size: 70,
          },
          { label: L.cpuSeconds, size: 70 },
        ],
        legend: { show: true },
      },
      [c.labels.map((_l, i) => i), c.seconds],
      el,
    );
  });

  draw("chart-severity", (el) => {
    const s = data.severity;
    const n = s.keys.length;
    const idx = s.keys.map((_k, i) => i);
    return new uPlot(
      {
        width: width(el),
        height: 220,
        scales: {
          x: { time: false, range: [-0.5, n - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        series: [
          { label: L.severity, value: (_u, v) => (v == null ? "" : s.labels[v]) },
          ...s.keys.map((k, i) => ({
            label: s.labels[i],
            fill: SEV_COLORS[k],
            stroke: SEV_COLORS[k],
            paths: bars,
            points: { show: false },
          })),
        ],
        axes: [
          { values: (_u, splits) => splits.map((v) => s.labels[v] ?? ""), splits: () => idx },
          { label: L.count },
        ],
        legend: { show: false },
      },
      [idx, ...s.keys.map((_k, i) => idx.map((j) => (j === i && s.counts[i] > 0 ? s.counts[i] : null)))],
      el,
    );
  });

  draw("chart-timeline", (el) => {
    const tl = data.timeline;
    const xs = [...new Set(tl.points.map((p) => p[0]))].sort((x, y) => x - y);
    const pos = new Map(xs.map((x, i) => [x, i]));
    const series = tl.kinds.map(() => xs.map(() => null));
    for (const [x, inc, kind] of tl.points) series[kind][pos.get(x)] = inc;
    return new uPlot(
      {
        width: width(el),
        height: 120 + 40 * tl.incidents.length,
        tzDate: utc,
        scales: {
          // A little room either side, so the first and last events are not on the frame.
          x: {
            range: (_u, min, max) => [
              min - Math.max(30, (max - min) * 0.08),
              max + Math.max(30, (max - min) * 0.08),
            ],
          },
          y: { range: [0.5, tl.incidents.length + 0.5] },
        },
        series: [
          { label: L.time },
          ...tl.kinds.map((k, i) => ({
            label: L.kinds[k] ?? k,
            stroke: KIND_COLORS[i % KIND_COLORS.length],
            fill: KIND_COLORS[i % KIND_COLORS.length],
            paths: () => null,
            points: { show: true, size: 12, fill: KIND_COLORS[i % KIND_COLORS.length] },
          })),
        ],
        axes: [
          {},
          {
            label: L.incident,
            splits: () => tl.incidents.map((_t, i) => i + 1),
            values: (_u, sp) => sp.map((v) => `#${v}`),
          },
        ],
      },
      [xs, ...series],
      el,
    );
  });

  // A link to a finding inside a closed group ("All N") opens the group, then shows the finding.
  const reveal = () => {
    let id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return;
    }
    const el = id ? document.getElementById(id) : null;
    if (!el) return;
    for (let d = el.closest("details"); d; d = d.parentElement?.closest("details")) d.open = true;
    el.scrollIntoView();
  };
  window.addEventListener("hashchange", reveal);
  reveal();

  document.body.dataset.chartsReady = String(Object.keys(charts).length);
})();
