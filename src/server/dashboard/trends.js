// Draws the dashboard's trend charts with uPlot from the JSON block beside each chart. Served as
// /static/trends.js (the pages allow scripts from the server itself only); makes no request.
(() => {
  const SEV_COLORS = {
    critical: "#922b21",
    high: "#e74c3c",
    medium: "#f39c12",
    low: "#2e86c1",
    info: "#95a5a6",
  };
  let drawn = 0;
  for (const el of document.querySelectorAll("[data-trend]")) {
    try {
      const data = JSON.parse(document.getElementById(el.dataset.trend).textContent);
      const xs = data.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
      const keys = data.severities.filter((k) => data.counts[k].some((n) => n > 0));
      const shown = keys.length > 0 ? keys : data.severities.slice(0, 1);
      new uPlot(
        {
          width: Math.max(320, el.clientWidth || 800),
          height: 260,
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
          series: [
            {
              label: data.labels.day,
              value: (_u, v) => (v == null ? "" : new Date(v * 1e3).toISOString().slice(0, 10)),
            },
            ...shown.map((k) => ({
              label: data.labels[k],
              stroke: SEV_COLORS[k],
              width: 2,
              points: { show: xs.length < 2 },
            })),
          ],
          axes: [{}, { label: data.labels.count }],
        },
        [xs, ...shown.map((k) => data.counts[k])],
        el,
      );
      drawn++;
    } catch (err) {
      el.dataset.chartError = String(err);
    }
  }
  document.body.dataset.chartsReady = String(drawn);
})();
