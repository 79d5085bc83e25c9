import { majorityFailureProbability, simplexFailureProbability, tmrFailureProbability } from './reliability-model.js';

// The campaign report's one figure: observed request failure rates with their confidence
// intervals over a sweep of per-version fault probability, against what independent failures
// predict. Plain SVG text (no scripts, no fonts or stylesheets to fetch) so the report is a
// file that opens in any browser and diffs cleanly: same input, same bytes.

/** One sweep point: the injected per-version fault probability and what the campaign saw. */
export interface SweepPlotPoint {
  /** Per-version fault probability injected at this point, in [0, 1]. */
  readonly p: number;
  /** Observed fraction of requests that failed (wrong answer or error), in [0, 1]. */
  readonly observed: number;
  /** Confidence interval for `observed` (e.g. Wilson), in [0, 1] with low <= high. */
  readonly low: number;
  readonly high: number;
  /** Requests behind the point; shown in its tooltip. */
  readonly requests: number;
}

/** The observations of one method (one colour), voted over `versions` versions. */
export interface SweepPlotSeries {
  /** The method, e.g. `Sort`; the legend reads `Sort (N=4) observed`. */
  readonly label: string;
  readonly versions: number;
  readonly points: readonly SweepPlotPoint[];
}

export interface SweepPlotInput {
  readonly title: string;
  readonly series: readonly SweepPlotSeries[];
  /**
   * Version counts whose majority-vote model curve is drawn besides simplex (N=1) and TMR (N=3),
   * which are always drawn; repeats of 1, 3 or of each other are drawn once.
   */
  readonly modelVersions?: readonly number[];
}

/** Renders the sweep as a standalone SVG document. Throws RangeError naming every invalid field. */
export function renderSweepSvg(input: SweepPlotInput): string {
  assertValid(input);
  const curves = modelCurves(input.modelVersions ?? []);
  const allPoints = input.series.flatMap((s) => s.points);
  const maxP = Math.max(0, ...allPoints.map((point) => point.p));
  // With no point beyond p = 0 there is no sweep range to show; the full [0, 1] is the honest default.
  const xAxis = niceAxis(maxP > 0 ? Math.max(maxP, MIN_AXIS_MAX) : 1);
  const samples = curves.map((curve) => sampleCurve(curve.failure, xAxis.max));
  const maxY = Math.max(
    0,
    ...samples.flatMap((sample) => sample.map(([, y]) => y)),
    ...allPoints.flatMap((point) => [point.observed, point.high]),
  );
  const yAxis = niceAxis(maxY > 0 ? Math.max(maxY, MIN_AXIS_MAX) : 1);

  const legend: LegendEntry[] = [
    ...curves.map((curve, index): LegendEntry => ({ kind: 'line', label: curve.label, style: curveStyle(index) })),
    ...input.series.map(
      (series, index): LegendEntry => ({
        kind: 'marker',
        label: `${series.label} (N=${series.versions}) observed`,
        colour: seriesColour(index),
      }),
    ),
  ];
  const longestLabel = Math.max(0, ...legend.map((entry) => entry.label.length));
  const legendWidth = LEGEND_SWATCH + 16 + Math.ceil(longestLabel * LEGEND_CHAR_WIDTH);
  const width = MARGIN.left + PLOT.width + MARGIN.right + legendWidth;
  const height = Math.max(
    MARGIN.top + PLOT.height + MARGIN.bottom,
    MARGIN.top + legend.length * LEGEND_ROW + MARGIN.bottom,
  );
  const toX = (p: number): number => MARGIN.left + (p / xAxis.max) * PLOT.width;
  const toY = (value: number): number => MARGIN.top + PLOT.height - (value / yAxis.max) * PLOT.height;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${fmt(MARGIN.left + PLOT.width / 2)}" y="${fmt(MARGIN.top / 2 + 6)}" text-anchor="middle" font-size="16">${escapeXml(input.title)}</text>`,
    ...renderAxes(xAxis, yAxis, toX, toY),
    `<g class="models" fill="none" stroke-width="1.5">`,
    ...samples.map((sample, index) => {
      const style = curveStyle(index);
      const points = sample.map(([p, y]) => `${fmt(toX(p))},${fmt(toY(y))}`).join(' ');
      return `<polyline class="model" points="${points}" stroke="${style.colour}"${dashAttribute(style.dash)}/>`;
    }),
    '</g>',
    ...input.series.flatMap((series, index) => {
      // Series share sweep points; a few pixels of sideways dodge keeps their error bars apart.
      const dodge = (index - (input.series.length - 1) / 2) * SERIES_DODGE;
      return renderSeries(series, seriesColour(index), (p) => toX(p) + dodge, toY);
    }),
    ...renderLegend(legend, MARGIN.left + PLOT.width + MARGIN.right),
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}

interface ModelCurve {
  readonly label: string;
  readonly failure: (p: number) => number;
}

function modelCurves(extra: readonly number[]): ModelCurve[] {
  const curves: ModelCurve[] = [
    { label: 'Simplex model (N=1)', failure: simplexFailureProbability },
    { label: 'TMR model (N=3)', failure: tmrFailureProbability },
  ];
  const seen = new Set([1, 3]);
  for (const versions of extra) {
    if (seen.has(versions)) continue;
    seen.add(versions);
    curves.push({
      label: `Majority model (N=${versions})`,
      failure: (p) => majorityFailureProbability(versions, p),
    });
  }
  return curves;
}

// Fine enough that the steepest curve drawn (large N near p = 0.5) shows no visible corners.
const CURVE_SEGMENTS = 200;

function sampleCurve(failure: (p: number) => number, maxP: number): (readonly [number, number])[] {
  const sample: (readonly [number, number])[] = [];
  for (let i = 0; i <= CURVE_SEGMENTS; i += 1) {
    const p = (maxP * i) / CURVE_SEGMENTS;
    sample.push([p, failure(p)]);
  }
  return sample;
}

function renderSeries(
  series: SweepPlotSeries,
  colour: string,
  toX: (p: number) => number,
  toY: (value: number) => number,
): string[] {
  const name = `${series.label} (N=${series.versions})`;
  const out = [`<g class="series" fill="${colour}" stroke="${colour}" stroke-width="1.5">`];
  for (const point of series.points) {
    const x = fmt(toX(point.p));
    const yLow = fmt(toY(point.low));
    const yHigh = fmt(toY(point.high));
    const capLeft = fmt(toX(point.p) - ERROR_CAP / 2);
    const capRight = fmt(toX(point.p) + ERROR_CAP / 2);
    const tooltip =
      `${name}: p = ${point.p.toFixed(4)}, observed ${point.observed.toFixed(4)} ` +
      `[${point.low.toFixed(4)}, ${point.high.toFixed(4)}], ${point.requests} requests`;
    out.push(
      `<g class="point"><title>${escapeXml(tooltip)}</title>`,
      `<line class="error-bar" x1="${x}" y1="${yLow}" x2="${x}" y2="${yHigh}"/>`,
      `<line x1="${capLeft}" y1="${yLow}" x2="${capRight}" y2="${yLow}"/>`,
      `<line x1="${capLeft}" y1="${yHigh}" x2="${capRight}" y2="${yHigh}"/>`,
      `<circle class="observed" cx="${x}" cy="${fmt(toY(point.observed))}" r="${MARKER_RADIUS}"/></g>`,
    );
  }
  out.push('</g>');
  return out;
}

interface Axis {
  readonly max: number;
  readonly ticks: readonly number[];
  readonly decimals: number;
}

function renderAxes(
  xAxis: Axis,
  yAxis: Axis,
  toX: (p: number) => number,
  toY: (value: number) => number,
): string[] {
  const left = fmt(MARGIN.left);
  const right = fmt(MARGIN.left + PLOT.width);
  const top = fmt(MARGIN.top);
  const bottom = fmt(MARGIN.top + PLOT.height);
  const out = [`<g class="axes" stroke="#000000" stroke-width="1">`];
  for (const tick of xAxis.ticks) {
    const x = fmt(toX(tick));
    out.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#e0e0e0"/>`,
      `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${fmt(MARGIN.top + PLOT.height + TICK)}"/>`,
      `<text class="x-tick" x="${x}" y="${fmt(MARGIN.top + PLOT.height + TICK + 14)}" text-anchor="middle" stroke="none">${tick.toFixed(xAxis.decimals)}</text>`,
    );
  }
  for (const tick of yAxis.ticks) {
    const y = fmt(toY(tick));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e0e0e0"/>`,
      `<line x1="${fmt(MARGIN.left - TICK)}" y1="${y}" x2="${left}" y2="${y}"/>`,
      `<text class="y-tick" x="${fmt(MARGIN.left - TICK - 4)}" y="${fmt(toY(tick) + 4)}" text-anchor="end" stroke="none">${tick.toFixed(yAxis.decimals)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/>`,
    '</g>',
    `<text class="x-label" x="${fmt(MARGIN.left + PLOT.width / 2)}" y="${fmt(MARGIN.top + PLOT.height + 44)}" text-anchor="middle">per-version fault probability p</text>`,
    `<text class="y-label" x="${fmt(18)}" y="${fmt(MARGIN.top + PLOT.height / 2)}" text-anchor="middle" transform="rotate(-90 ${fmt(18)} ${fmt(MARGIN.top + PLOT.height / 2)})">P(request fails: wrong or error)</text>`,
  );
  return out;
}

type LegendEntry =
  | { readonly kind: 'line'; readonly label: string; readonly style: CurveStyle }
  | { readonly kind: 'marker'; readonly label: string; readonly colour: string };

function renderLegend(entries: readonly LegendEntry[], left: number): string[] {
  const out = ['<g class="legend">'];
  entries.forEach((entry, index) => {
    const middle = MARGIN.top + index * LEGEND_ROW + LEGEND_ROW / 2;
    if (entry.kind === 'line') {
      out.push(
        `<line x1="${fmt(left)}" y1="${fmt(middle)}" x2="${fmt(left + LEGEND_SWATCH)}" y2="${fmt(middle)}" stroke="${entry.style.colour}" stroke-width="1.5"${dashAttribute(entry.style.dash)}/>`,
      );
    } else {
      // A square swatch, not a circle, so every <circle> in the document is an observed point.
      out.push(
        `<rect x="${fmt(left + LEGEND_SWATCH / 2 - MARKER_RADIUS)}" y="${fmt(middle - MARKER_RADIUS)}" width="${fmt(2 * MARKER_RADIUS)}" height="${fmt(2 * MARKER_RADIUS)}" fill="${entry.colour}"/>`,
      );
    }
    out.push(`<text x="${fmt(left + LEGEND_SWATCH + 8)}" y="${fmt(middle + 4)}">${escapeXml(entry.label)}</text>`);
  });
  out.push('</g>');
  return out;
}

/** An axis from 0 to a "nice" ceiling of `max` (1, 2, 2.5 or 5 times a power of ten per step). */
function niceAxis(max: number): Axis {
  const rough = max / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalised = rough / magnitude;
  const factor = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
  const step = factor * magnitude;
  // Tolerate float noise so a max of exactly 0.3 does not grow a needless extra step.
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  const decimals = decimalsOf(step);
  const ticks: number[] = [];
  for (let i = 0; i <= steps; i += 1) ticks.push(Number((i * step).toFixed(decimals)));
  return { max: ticks[ticks.length - 1] ?? max, ticks, decimals };
}

function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 20; decimals += 1) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * scaled) return decimals;
  }
  return 20;
}

interface CurveStyle {
  readonly colour: string;
  readonly dash: string | undefined;
}

// Okabe-Ito colours (readable with colour-blindness), eked out with Paul Tol's: cool and dark ones
// for the model curves, warm ones for observations, so a point is never mistaken for a curve.
const CURVE_STYLES: readonly CurveStyle[] = [
  { colour: '#000000', dash: undefined },
  { colour: '#0072B2', dash: '6 4' },
  { colour: '#009E73', dash: '2 3' },
  { colour: '#56B4E9', dash: '8 3 2 3' },
  { colour: '#777777', dash: '4 2' },
];
const SERIES_COLOURS: readonly string[] = ['#D55E00', '#E69F00', '#CC79A7', '#882255', '#999933', '#AA4499'];

function curveStyle(index: number): CurveStyle {
  return CURVE_STYLES[index % CURVE_STYLES.length] ?? { colour: '#000000', dash: undefined };
}

function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000000';
}

function dashAttribute(dash: string | undefined): string {
  return dash === undefined ? '' : ` stroke-dasharray="${dash}"`;
}

// Below this an axis would need more decimals than a tick label can show; probabilities this
// small read as 0 on a linear axis anyway.
const MIN_AXIS_MAX = 1e-6;
const MAX_MODEL_VERSIONS = 1000; // majorityFailureProbability's own limit
const MARGIN = { top: 50, right: 24, bottom: 60, left: 72 } as const; // px
const PLOT = { width: 560, height: 360 } as const; // px
const TICK = 5; // px
const TARGET_TICKS = 5; // ticks per axis, roughly
const ERROR_CAP = 8; // px, width of an error bar's end caps
const MARKER_RADIUS = 4; // px
const SERIES_DODGE = 5; // px between neighbouring series at the same p
const LEGEND_ROW = 20; // px
const LEGEND_SWATCH = 28; // px
const LEGEND_CHAR_WIDTH = 7; // px per character at font-size 12, generous so labels fit

/** Two decimals: sub-pixel enough, and fixed so the output is byte-for-byte reproducible. */
function fmt(value: number): string {
  const text = value.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}

// Control characters and lone surrogates cannot appear in XML 1.0 at all, escaped or not; a
// label carrying one would make the whole report unreadable, so it becomes U+FFFD instead.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function assertValid(input: SweepPlotInput): void {
  const problems: string[] = [];
  const probability = (field: string, value: number): void => {
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
      problems.push(`${field} must be in [0, 1], got ${String(value)}`);
    }
  };
  const versionCount = (field: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${field} must be an integer >= 1, got ${String(value)}`);
  };
  if (typeof input.title !== 'string') problems.push('title must be a string');
  input.series.forEach((series, s) => {
    if (typeof series.label !== 'string') problems.push(`series[${s}].label must be a string`);
    versionCount(`series[${s}].versions`, series.versions);
    series.points.forEach((point, i) => {
      const at = `series[${s}].points[${i}]`;
      probability(`${at}.p`, point.p);
      probability(`${at}.observed`, point.observed);
      probability(`${at}.low`, point.low);
      probability(`${at}.high`, point.high);
      if (point.low > point.high) problems.push(`${at}.low must not exceed high`);
      if (!Number.isSafeInteger(point.requests) || point.requests < 0) {
        problems.push(`${at}.requests must be an integer >= 0, got ${String(point.requests)}`);
      }
    });
  });
  (input.modelVersions ?? []).forEach((versions, i) => {
    if (!Number.isSafeInteger(versions) || versions < 1 || versions > MAX_MODEL_VERSIONS) {
      problems.push(`modelVersions[${i}] must be an integer in [1, ${MAX_MODEL_VERSIONS}], got ${String(versions)}`);
    }
  });
  if (problems.length > 0) throw new RangeError(`renderSweepSvg: ${problems.join('; ')}`);
}
