export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^(\w+)(?:\{(.*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The samples of one metric on a gateway's /metrics (Prometheus text format), with their labels. */
export async function metricSamples(metricsAddress: string, name: string): Promise<MetricSample[]> {
  const response = await fetch(`http://${metricsAddress}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const samples: MetricSample[] = [];
  for (const line of (await response.text()).split('\n')) {
    const match = SAMPLE.exec(line);
    if (match?.[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key as string, value as string]));
    samples.push({ labels, value: Number(match[3]) });
  }
  return samples;
}
