/**
 * The hand-written canvas chart the live charts used before uPlot (src/ui/charts/CanvasChart.tsx and axes.ts at
 * the time), reduced to its drawing function and helpers, kept only so bench/charts.ts can time both in one run.
 */
/** Row of a chart table: the step and one optional value per series key. */
export type ChartRow = { step: number } & Record<string, number | undefined>;

/** Roughly `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max]; at least the two ends. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
  const ticks: number[] = [];
  // k·step rounded to 12 significant digits: 0.6, not 0.6000000000000001.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
    ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

/** Tick label: integers as is, other values with up to 3 significant digits (0.000123 → 1.23e-4). */
export function formatTick(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/**
 * [min, max] of the finite values of `keys` over `rows` (stacked: of the running sums, from 0). A flat series
 * gets a ±5% pad (or ±1 at 0) so it draws as a line in the middle; null when nothing is finite.
 */
export function valueRange(
  rows: readonly ChartRow[],
  keys: readonly string[],
  stacked: boolean,
): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    if (stacked) {
      let sum = 0;
      for (const k of keys) {
        const v = row[k];
        if (v !== undefined && Number.isFinite(v)) sum += v;
      }
      lo = Math.min(lo, 0, sum);
      hi = Math.max(hi, sum);
    } else {
      for (const k of keys) {
        const v = row[k];
        if (v === undefined || !Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(lo <= hi)) return null;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** Index of the row whose step is closest to `step` (rows sorted by step); -1 for no rows. */
export function nearestRow(rows: readonly ChartRow[], step: number): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(rows[lo - 1].step - step) <= Math.abs(rows[lo].step - step)) return lo - 1;
  return lo;
}
export interface ChartSeries {
  key: string;
  name: string;
  colour: string;
}

const MARGIN = { top: 8, right: 14, bottom: 22, left: 48 };
const FONT = '11px system-ui, sans-serif';
const GRID = '#e5e5e5';
const AXIS_TEXT = '#555';

/** "Training loss 0.512, Validation loss 0.498 (step 1200)": the last finite value of every series. */
export function chartSummary(rows: readonly ChartRow[], series: readonly ChartSeries[]): string {
  const parts: string[] = [];
  let step: number | null = null;
  for (const s of series) {
    for (let i = rows.length - 1; i >= 0; i--) {
      const v = rows[i][s.key];
      if (v !== undefined && Number.isFinite(v)) {
        parts.push(`${s.name} ${formatTick(v)}`);
        step = Math.max(step ?? 0, rows[i].step);
        break;
      }
    }
  }
  return parts.length ? `${parts.join(', ')} (step ${step})` : 'no values yet';
}

export function draw(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  rows: readonly ChartRow[],
  series: readonly ChartSeries[],
  stacked: boolean,
  yDomain?: [number, number],
): void {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const keys = series.map((s) => s.key);
  const range = yDomain ?? valueRange(rows, keys, stacked);
  if (!range || rows.length === 0) return;
  const [y0, y1] = range;
  const x0 = rows[0].step;
  const x1 = rows[rows.length - 1].step;
  const px = (step: number) => MARGIN.left + (x1 === x0 ? plotW / 2 : ((step - x0) / (x1 - x0)) * plotW);
  const py = (v: number) => MARGIN.top + plotH - ((v - y0) / (y1 - y0)) * plotH;

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS_TEXT;
  ctx.setLineDash([3, 3]);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(y0, y1, 4)) {
    const y = Math.round(py(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, y);
    ctx.lineTo(MARGIN.left + plotW, y);
    ctx.stroke();
    ctx.fillText(formatTick(t), MARGIN.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xTicks =
    x1 > x0 ? niceTicks(x0, x1, Math.max(2, Math.floor(plotW / 70))).filter((t) => Number.isInteger(t)) : [x0];
  for (const t of xTicks) {
    const x = Math.round(px(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, MARGIN.top);
    ctx.lineTo(x, MARGIN.top + plotH);
    ctx.stroke();
    ctx.fillText(String(t), x, MARGIN.top + plotH + 5);
  }
  ctx.setLineDash([]);

  ctx.save();
  ctx.beginPath();
  ctx.rect(MARGIN.left, MARGIN.top, plotW, plotH);
  ctx.clip();
  if (stacked) {
    const below = new Float64Array(rows.length);
    for (const s of series) {
      const top = rows.map((r, i) => below[i] + (r[s.key] !== undefined && Number.isFinite(r[s.key]!) ? r[s.key]! : 0));
      ctx.beginPath();
      rows.forEach((r, i) => (i === 0 ? ctx.moveTo(px(r.step), py(top[i])) : ctx.lineTo(px(r.step), py(top[i]))));
      for (let i = rows.length - 1; i >= 0; i--) ctx.lineTo(px(rows[i].step), py(below[i]));
      ctx.closePath();
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = s.colour;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.beginPath();
      rows.forEach((r, i) => (i === 0 ? ctx.moveTo(px(r.step), py(top[i])) : ctx.lineTo(px(r.step), py(top[i]))));
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      top.forEach((v, i) => (below[i] = v));
    }
  } else {
    for (const s of series) {
      ctx.beginPath();
      let started = false;
      for (const r of rows) {
        const v = r[s.key];
        if (v === undefined || !Number.isFinite(v)) continue; // gaps are bridged: the line joins the values either side
        if (started) ctx.lineTo(px(r.step), py(v));
        else ctx.moveTo(px(r.step), py(v));
        started = true;
      }
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }
  ctx.restore();
}
