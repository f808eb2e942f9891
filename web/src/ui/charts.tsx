// Hand-drawn SVG charts for the dashboard: stacked bars (requests per time bucket, success and
// failed) and lines (success rate, latency percentiles). Colours come from CSS classes; the SVG
// scales with its container (viewBox), so it fits a phone as well as a laptop.

const W = 640;
const H = 200;
const PAD = { left: 48, right: 10, top: 10, bottom: 24 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

export interface Series {
  name: string;
  /** CSS class giving the stroke / fill colour. */
  cls: string;
  values: Array<number | null>;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * mag) return m * mag;
  return 10 * mag;
}

function xLabels(times: number[], size: 'minute' | 'hour' | 'day'): Array<{ i: number; text: string }> {
  if (times.length === 0) return [];
  const step = Math.max(1, Math.ceil(times.length / 6));
  const out: Array<{ i: number; text: string }> = [];
  for (let i = 0; i < times.length; i += step) {
    const d = new Date(times[i] as number);
    const text = size === 'day' ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    out.push({ i, text });
  }
  return out;
}

function Axes(props: { max: number; fmt: (v: number) => string; times: number[]; size: 'minute' | 'hour' | 'day'; slot: number; offset: number }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <g class="chart-axes">
      {ticks.map((t) => {
        const y = PAD.top + PLOT_H * (1 - t);
        return (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} class="chart-grid" />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end" class="chart-label">
              {props.fmt(props.max * t)}
            </text>
          </g>
        );
      })}
      {xLabels(props.times, props.size).map(({ i, text }) => (
        <text key={i} x={PAD.left + i * props.slot + props.offset} y={H - 6} text-anchor="middle" class="chart-label">
          {text}
        </text>
      ))}
    </g>
  );
}

function Legend(props: { series: Series[] }) {
  return (
    <div class="chart-legend">
      {props.series.map((s) => (
        <span key={s.name} class="legend-item">
          <span class={`legend-swatch ${s.cls}`} />
          {s.name}
        </span>
      ))}
    </div>
  );
}

/** Bars stacked per bucket (e.g. success + failed). */
export function StackedBars(props: { title: string; times: number[]; size: 'minute' | 'hour' | 'day'; series: Series[]; fmt?: (v: number) => string }) {
  const n = props.times.length;
  const totals = props.times.map((_, i) => props.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = n > 0 ? PLOT_W / n : PLOT_W;
  const barW = Math.max(1, slot * 0.8);
  const fmt = props.fmt ?? ((v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1)));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <Axes max={max} fmt={fmt} times={props.times} size={props.size} slot={slot} offset={slot / 2} />
        {props.times.map((t, i) => {
          let y = PAD.top + PLOT_H;
          return (
            <g key={t}>
              {props.series.map((s) => {
                const v = s.values[i] ?? 0;
                if (v <= 0) return null;
                const h = (v / max) * PLOT_H;
                y -= h;
                return (
                  <rect key={s.name} x={PAD.left + i * slot + (slot - barW) / 2} y={y} width={barW} height={h} class={s.cls}>
                    <title>{`${new Date(t).toLocaleString()}: ${s.name} ${v}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}

/** Lines with gaps where a bucket has no value (no calls in it). */
export function Lines(props: { title: string; times: number[]; size: 'minute' | 'hour' | 'day'; series: Series[]; fmt: (v: number) => string; max?: number }) {
  const n = props.times.length;
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = props.max ?? niceMax(Math.max(0, ...all));
  const slot = n > 1 ? PLOT_W / (n - 1) : PLOT_W;
  const x = (i: number): number => PAD.left + (n > 1 ? i * slot : PLOT_W / 2);
  const y = (v: number): number => PAD.top + PLOT_H * (1 - Math.min(1, v / max));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <Axes max={max} fmt={props.fmt} times={props.times} size={props.size} slot={n > 1 ? slot : 0} offset={n > 1 ? 0 : PLOT_W / 2} />
        {props.series.map((s) => {
          // One path, "M" after every gap so a missing bucket breaks the line.
          let d = '';
          let pen = false;
          s.values.forEach((v, i) => {
            if (v === null) {
              pen = false;
              return;
            }
            d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
            pen = true;
          });
          const dots = s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={n > 60 ? 1.2 : 2.5} class={`${s.cls} chart-dot`} />));
          return (
            <g key={s.name}>
              <path d={d} class={`${s.cls} chart-line`} />
              {dots}
            </g>
          );
        })}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}
