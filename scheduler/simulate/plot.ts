// The comparison chart as SVG, drawn by hand (no dependency): bars per metric and policy, and the
// cumulative distribution of turnaround. Pure string building; the PNG route is in png.ts.
import type { PolicySummary } from './engine.js';

export interface PlotSeries {
  summary: PolicySummary;
  /** Turnaround of every completed execution, seconds. */
  turnarounds: readonly number[];
}

export interface PlotInput {
  title: string;
  subtitle?: string;
  series: readonly PlotSeries[];
}

export const PLOT_WIDTH = 1000;
export const PLOT_HEIGHT = 720;
/** Colour-blind-safe (Okabe–Ito), one per policy in the order given. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const round = (value: number): string => String(Math.round(value * 10) / 10);

/** A unit for durations up to `max` seconds, so axis labels stay short. */
function timeUnit(max: number): { name: string; seconds: number } {
  if (max >= 2 * 3600) return { name: 'h', seconds: 3600 };
  if (max >= 120) return { name: 'min', seconds: 60 };
  return { name: 's', seconds: 1 };
}

/** A 1-2-5 step giving about `count` intervals up to `max`. */
function niceStep(max: number, count = 5): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/\.?0+$/, '');
}

interface Box { x: number; y: number; width: number; height: number }

interface BarGroup { label: string; values: number[] }

/** One panel of grouped bars: a group per metric, a bar per policy, the value above each bar. */
function barPanel(box: Box, title: string, groups: BarGroup[], colours: string[], axis: { unit: string; scale: number; max?: number; percent?: boolean; note?: string }): string {
  const out: string[] = [];
  const top = box.y + 28;
  const bottom = box.y + box.height - 24;
  const left = box.x + 46;
  const right = box.x + box.width - 8;
  const scaled = groups.map((group) => ({ ...group, values: group.values.map((value) => value / axis.scale) }));
  const highest = Math.max(0, ...scaled.flatMap((group) => group.values));
  const step = axis.max !== undefined ? axis.max / 4 : niceStep(highest);
  const max = axis.max ?? Math.max(step, Math.ceil(highest / step) * step);
  const y = (value: number) => bottom - (value / max) * (bottom - top);
  out.push(`<text x="${box.x + 4}" y="${box.y + 14}" font-size="14" font-weight="bold">${escapeXml(title)}<tspan font-weight="normal" fill="#555">${axis.unit ? ` (${escapeXml(axis.unit)})` : ''}</tspan></text>`);
  for (let tick = 0; tick <= max + step / 1000; tick += step) {
    const label = axis.percent ? `${Math.round(tick)}%` : formatNumber(tick);
    out.push(`<line x1="${left}" x2="${right}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="${tick === 0 ? '#333' : '#e3e3e3'}"/>`);
    out.push(`<text x="${left - 5}" y="${round(y(tick) + 4)}" font-size="11" text-anchor="end" fill="#444">${label}</text>`);
  }
  if (highest === 0 && axis.note !== undefined) {
    out.push(`<text x="${round((left + right) / 2)}" y="${round((top + bottom) / 2)}" font-size="12" text-anchor="middle" fill="#555">${escapeXml(axis.note)}</text>`);
  }
  const groupWidth = (right - left) / groups.length;
  const barWidth = Math.min(34, (groupWidth - 12) / Math.max(1, colours.length));
  scaled.forEach((group, g) => {
    const start = left + g * groupWidth + (groupWidth - barWidth * group.values.length) / 2;
    group.values.forEach((value, p) => {
      const x = start + p * barWidth;
      const height = Math.max(0, bottom - y(Math.min(value, max)));
      out.push(`<rect x="${round(x + 1)}" y="${round(bottom - height)}" width="${round(barWidth - 2)}" height="${round(height)}" fill="${colours[p] ?? '#888'}"/>`);
      const text = axis.percent ? `${value.toFixed(0)}` : formatNumber(value);
      out.push(`<text x="${round(x + barWidth / 2)}" y="${round(bottom - height - 3)}" font-size="${barWidth < 26 ? 9 : 10}" text-anchor="middle" fill="#222">${text}</text>`);
    });
    out.push(`<text x="${round(left + (g + 0.5) * groupWidth)}" y="${bottom + 16}" font-size="12" text-anchor="middle">${escapeXml(group.label)}</text>`);
  });
  return out.join('\n');
}

/** Candidate ticks of the log time axis; those too close to the previous one shown are skipped. */
const LOG_TICKS: [number, string][] = [
  [0.1, '0.1 s'], [1, '1 s'], [2, '2 s'], [5, '5 s'], [10, '10 s'], [20, '20 s'], [30, '30 s'], [60, '1 min'], [120, '2 min'],
  [300, '5 min'], [600, '10 min'], [1200, '20 min'], [1800, '30 min'], [3600, '1 h'], [7200, '2 h'], [3 * 3600, '3 h'],
  [6 * 3600, '6 h'], [12 * 3600, '12 h'], [86400, '1 d'], [2 * 86400, '2 d'], [7 * 86400, '7 d'], [30 * 86400, '30 d'],
];
const MIN_TICK_GAP = 56;

/** At most `points` (value, fraction) steps of the empirical CDF of `values`. */
function cdfPoints(values: readonly number[], points = 400): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const out: [number, number][] = [];
  const stride = Math.max(1, Math.floor(n / points));
  for (let i = 0; i < n; i += stride) out.push([sorted[i] as number, (i + 1) / n]);
  out.push([sorted[n - 1] as number, 1]);
  return out;
}

/** The CDF of turnaround per policy, log-scaled time axis. */
function cdfPanel(box: Box, series: readonly PlotSeries[], colours: string[]): string {
  const out: string[] = [];
  const top = box.y + 28;
  const bottom = box.y + box.height - 24;
  const left = box.x + 46;
  const right = box.x + box.width - 12;
  const all = series.flatMap((s) => s.turnarounds).filter((value) => value > 0);
  const low = all.length > 0 ? Math.min(...all) : 1;
  const high = Math.max(...all, low * 2);
  const from = Math.log10(Math.max(1e-3, low)) - 0.05;
  const to = Math.log10(high) + 0.05;
  const x = (value: number) => left + ((Math.log10(Math.max(value, 1e-3)) - from) / (to - from)) * (right - left);
  const y = (fraction: number) => bottom - fraction * (bottom - top);
  out.push(`<text x="${box.x + 4}" y="${box.y + 14}" font-size="14" font-weight="bold">Turnaround, cumulative distribution<tspan font-weight="normal" fill="#555"> (share of executions done within a time; log scale)</tspan></text>`);
  for (const fraction of [0, 0.25, 0.5, 0.75, 0.9, 1]) {
    out.push(`<line x1="${left}" x2="${right}" y1="${round(y(fraction))}" y2="${round(y(fraction))}" stroke="${fraction === 0 ? '#333' : '#e3e3e3'}"/>`);
    out.push(`<text x="${left - 5}" y="${round(y(fraction) + 4)}" font-size="11" text-anchor="end" fill="#444">${Math.round(fraction * 100)}%</text>`);
  }
  let lastTick = -Infinity;
  for (const [value, label] of LOG_TICKS) {
    const logValue = Math.log10(value);
    if (logValue < from || logValue > to || x(value) - lastTick < MIN_TICK_GAP) continue;
    lastTick = x(value);
    out.push(`<line x1="${round(x(value))}" x2="${round(x(value))}" y1="${top}" y2="${bottom}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${round(x(value))}" y="${bottom + 16}" font-size="11" text-anchor="middle" fill="#444">${label}</text>`);
  }
  series.forEach((s, p) => {
    const points = cdfPoints(s.turnarounds.filter((value) => value > 0));
    if (points.length === 0) return;
    let path = `M${round(x(points[0]?.[0] ?? 1))},${round(y(0))}`;
    let previous = 0;
    for (const [value, fraction] of points) {
      path += ` L${round(x(value))},${round(y(previous))} L${round(x(value))},${round(y(fraction))}`;
      previous = fraction;
    }
    // Later policies are drawn thinner, so a curve identical to an earlier one stays visible inside it.
    const width = Math.max(1.25, 4.5 - p * 1.75);
    out.push(`<path d="${path}" fill="none" stroke="${colours[p] ?? '#888'}" stroke-width="${width}" stroke-linejoin="round"/>`);
  });
  return out.join('\n');
}

/**
 * The whole chart: title, legend, four bar panels (turnaround, queue wait, makespan,
 * utilisation) and the turnaround CDF. Times are in s, min or h, chosen per panel.
 */
export function renderPlot(input: PlotInput): string {
  const colours = input.series.map((_, i) => COLOURS[i % COLOURS.length] as string);
  const summaries = input.series.map((s) => s.summary);
  const turnaroundUnit = timeUnit(Math.max(0, ...summaries.map((s) => s.turnaround.p95)));
  const waitUnit = timeUnit(Math.max(0, ...summaries.map((s) => s.wait.p95)));
  const makespanUnit = timeUnit(Math.max(0, ...summaries.map((s) => s.makespan)));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" viewBox="0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}" ${FONT}>`);
  parts.push(`<title>${escapeXml(input.title)}</title>`);
  parts.push(`<rect width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="20" y="28" font-size="18" font-weight="bold">${escapeXml(input.title)}</text>`);
  if (input.subtitle) parts.push(`<text x="20" y="48" font-size="12" fill="#444">${escapeXml(input.subtitle)}</text>`);
  let legendX = PLOT_WIDTH - 20 - summaries.length * 100;
  summaries.forEach((summary, p) => {
    parts.push(`<rect x="${legendX}" y="16" width="14" height="14" fill="${colours[p]}"/><text x="${legendX + 20}" y="28" font-size="13">${escapeXml(summary.policy)}</text>`);
    legendX += 100;
  });
  const row1: Box = { x: 10, y: 66, width: 0, height: 300 };
  const widths = [330, 330, 140, 170];
  const boxes = widths.map((width, i) => ({ ...row1, x: 10 + widths.slice(0, i).reduce((a, b) => a + b, 0) + i * 6, width }));
  const stat = (pick: (s: PolicySummary) => number) => summaries.map(pick);
  parts.push(barPanel(boxes[0] as Box, 'Turnaround', [
    { label: 'mean', values: stat((s) => s.turnaround.mean) },
    { label: 'median', values: stat((s) => s.turnaround.median) },
    { label: '95th pct', values: stat((s) => s.turnaround.p95) },
  ], colours, { unit: turnaroundUnit.name, scale: turnaroundUnit.seconds }));
  parts.push(barPanel(boxes[1] as Box, 'Queue wait', [
    { label: 'mean', values: stat((s) => s.wait.mean) },
    { label: 'median', values: stat((s) => s.wait.median) },
    { label: '95th pct', values: stat((s) => s.wait.p95) },
  ], colours, { unit: waitUnit.name, scale: waitUnit.seconds, note: 'every execution was admitted on arrival' }));
  parts.push(barPanel(boxes[2] as Box, 'Makespan', [{ label: 'all', values: stat((s) => s.makespan) }], colours, { unit: makespanUnit.name, scale: makespanUnit.seconds }));
  parts.push(barPanel(boxes[3] as Box, 'Utilisation', [
    { label: 'cores', values: stat((s) => s.utilisation.cores * 100) },
    { label: 'memory', values: stat((s) => s.utilisation.memory * 100) },
  ], colours, { unit: '', scale: 1, max: 100, percent: true }));
  parts.push(cdfPanel({ x: 10, y: 380, width: PLOT_WIDTH - 20, height: 330 }, input.series, colours));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
