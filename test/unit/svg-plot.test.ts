import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../tools/campaign/reliability-model.js';
import { renderSweepSvg, type SweepPlotInput, type SweepPlotPoint } from '../../tools/campaign/svg-plot.js';

function point(p: number, failures: number, requests: number): SweepPlotPoint {
  const { low, high } = wilsonInterval(failures, requests);
  return { p, observed: failures / requests, low, high, requests };
}

const sweep: SweepPlotInput = {
  title: 'Fault sweep',
  series: [
    {
      label: 'Sort',
      versions: 4,
      points: [point(0, 0, 500), point(0.05, 6, 500), point(0.1, 27, 500), point(0.2, 90, 500)],
    },
    { label: 'Factor', versions: 3, points: [point(0.05, 4, 400), point(0.1, 11, 400), point(0.27, 70, 400)] },
  ],
  modelVersions: [4, 5],
};

function count(svg: string, pattern: RegExp): number {
  return [...svg.matchAll(pattern)].length;
}

function ticks(svg: string, axis: 'x' | 'y'): string[] {
  return [...svg.matchAll(new RegExp(`class="${axis}-tick"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1] ?? '');
}

function viewBoxOf(svg: string): { width: number; height: number } {
  const match = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (match === null) throw new Error('no viewBox');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Every x and y the document places, from polylines, circles, lines, rects and text. */
function coordinates(svg: string): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [, list] of svg.matchAll(/ points="([^"]*)"/g)) {
    for (const pair of (list ?? '').trim().split(/\s+/)) {
      const [x, y] = pair.split(',');
      xs.push(Number(x));
      ys.push(Number(y));
    }
  }
  for (const [, name, value] of svg.matchAll(/ (cx|cy|x|y|x1|x2|y1|y2)="([^"]*)"/g)) {
    (name?.startsWith('x') === true || name === 'cx' ? xs : ys).push(Number(value));
  }
  return { xs, ys };
}

function expectInsideViewBox(svg: string): void {
  const { width, height } = viewBoxOf(svg);
  const { xs, ys } = coordinates(svg);
  expect(xs.length).toBeGreaterThan(0);
  const outside = [
    ...xs.filter((x) => !(Number.isFinite(x) && x >= 0 && x <= width)).map((x) => `x=${x}`),
    ...ys.filter((y) => !(Number.isFinite(y) && y >= 0 && y <= height)).map((y) => `y=${y}`),
  ];
  expect(outside).toEqual([]);
}

describe('renderSweepSvg', () => {
  it('is a standalone SVG document with no scripts or external references', () => {
    const svg = renderSweepSvg(sweep);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|href=|url\(|@import/i);
  });

  it('draws one polyline per model curve: simplex, TMR and each extra N once', () => {
    expect(count(renderSweepSvg(sweep), /<polyline/g)).toBe(4);
    expect(count(renderSweepSvg({ ...sweep, modelVersions: [3, 1, 7, 7] }), /<polyline/g)).toBe(3);
    const { modelVersions: _ignored, ...withoutExtra } = sweep;
    expect(count(renderSweepSvg(withoutExtra), /<polyline/g)).toBe(2);
  });

  it('samples each model curve finely', () => {
    const [first] = [...renderSweepSvg(sweep).matchAll(/ points="([^"]*)"/g)];
    expect((first?.[1] ?? '').trim().split(/\s+/).length).toBeGreaterThanOrEqual(100);
  });

  it('draws one marker and one error bar per observed point', () => {
    const svg = renderSweepSvg(sweep);
    expect(count(svg, /<circle/g)).toBe(7);
    expect(count(svg, /class="error-bar"/g)).toBe(7);
  });

  it('names every model curve and every series in the legend', () => {
    const svg = renderSweepSvg(sweep);
    for (const label of [
      'Simplex model (N=1)',
      'TMR model (N=3)',
      'Majority model (N=4)',
      'Majority model (N=5)',
      'Sort (N=4) observed',
      'Factor (N=3) observed',
    ]) {
      expect(svg).toContain(`>${label}</text>`);
    }
  });

  it('gives each series its own colour', () => {
    const colours = [...renderSweepSvg(sweep).matchAll(/<g class="series" fill="([^"]+)"/g)].map((m) => m[1]);
    expect(colours).toHaveLength(2);
    expect(new Set(colours).size).toBe(2);
  });

  it('ends the x axis at a nice ceiling of the largest p', () => {
    expect(ticks(renderSweepSvg(sweep), 'x')).toEqual(['0.0', '0.1', '0.2', '0.3']);
  });

  it('ends the y axis at a nice ceiling of the largest value drawn', () => {
    // The N=4 model curve at the axis end, p = 0.3 (1 - q^4 - 4pq^3 = 0.3483), tops the simplex
    // curve (0.3) and every observed interval (about 0.22).
    const largest = 1 - 0.7 ** 4 - 4 * 0.3 * 0.7 ** 3;
    const labels = ticks(renderSweepSvg(sweep), 'y');
    expect(labels[0]).toBe('0.0');
    expect(Number(labels.at(-1))).toBeGreaterThanOrEqual(largest);
    expect(Number(labels.at(-2))).toBeLessThan(largest);
  });

  it('keeps a readable axis for a sweep of tiny probabilities', () => {
    const svg = renderSweepSvg({ title: 't', series: [{ label: 'S', versions: 3, points: [point(1e-12, 0, 10)] }] });
    expect(ticks(svg, 'x').length).toBeGreaterThan(1);
    expectInsideViewBox(svg);
  });

  it('escapes <, & and > in the title and labels', () => {
    const svg = renderSweepSvg({
      title: 'p < 0.5 & N > 3',
      series: [{ label: '<Sort & "Merge">', versions: 3, points: [point(0.1, 3, 100)] }],
    });
    expect(svg).toContain('p &lt; 0.5 &amp; N &gt; 3');
    expect(svg).toContain('&lt;Sort &amp; &quot;Merge&quot;&gt; (N=3) observed');
    expect(svg).not.toContain('<Sort');
    expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  });

  it('replaces characters XML cannot carry, such as control characters and lone surrogates', () => {
    const svg = renderSweepSvg({ title: 'bell\u0007 half\uD800 emoji\u{1F600}', series: [] });
    expect(svg).toContain('bell\uFFFD half\uFFFD emoji\u{1F600}');
  });

  it('places every coordinate, as a finite number, inside the viewBox', () => {
    expectInsideViewBox(renderSweepSvg(sweep));
  });

  it('places every coordinate inside the viewBox for any valid sweep', () => {
    const pointArbitrary = fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
      .map(([p, a, b]) => point(p, Math.min(a, b), Math.max(a, b, 1)));
    const seriesArbitrary = fc.record({
      label: fc.string({ maxLength: 40 }),
      versions: fc.integer({ min: 1, max: 9 }),
      points: fc.array(pointArbitrary, { maxLength: 8 }),
    });
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(seriesArbitrary, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 51 }), { maxLength: 6 }),
        (title, series, modelVersions) => {
          expectInsideViewBox(renderSweepSvg({ title, series, modelVersions }));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('renders the same input to the same string', () => {
    const copy = structuredClone(sweep);
    expect(renderSweepSvg(copy)).toBe(renderSweepSvg(sweep));
    expect(renderSweepSvg(sweep)).toBe(renderSweepSvg(sweep));
  });

  it('rejects invalid points, naming every bad field at once', () => {
    const bad: SweepPlotInput = {
      title: 't',
      series: [
        {
          label: 'Sort',
          versions: 0,
          points: [{ p: 1.5, observed: 0.1, low: 0.3, high: 0.2, requests: Number.NaN }],
        },
      ],
      modelVersions: [0],
    };
    expect(() => renderSweepSvg(bad)).toThrow(RangeError);
    let message = '';
    try {
      renderSweepSvg(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of [
      'series[0].versions',
      'series[0].points[0].p',
      'series[0].points[0].low must not exceed high',
      'series[0].points[0].requests',
      'modelVersions[0]',
    ]) {
      expect(message).toContain(field);
    }
  });
});
