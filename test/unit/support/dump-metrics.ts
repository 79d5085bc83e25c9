/**
 * A registry's exposition, made fit for a snapshot (as nice-grpc-prometheus's dumpMetrics): the
 * default process and Node.js metrics are dropped, and what timing decides (the sum and the
 * buckets of every duration histogram) becomes `<num>`; counts stay, so observations still show.
 */
import type { Registry } from 'prom-client';

const DEFAULT_METRIC = /^(process|nodejs)_/;
const TIMING_SAMPLE = /^\w+_seconds_(bucket|sum)\{/;

export async function dumpMetrics(registry: Registry): Promise<string> {
  const text = await registry.metrics();
  return text
    .split(/\n(?=# HELP )/)
    .filter(block => !DEFAULT_METRIC.test(block.replace(/^# HELP /, '')))
    .map(block =>
      block
        .split('\n')
        .map(line => (TIMING_SAMPLE.test(line) ? line.replace(/ \S+$/, ' <num>') : line))
        .join('\n'),
    )
    .join('\n')
    .trim();
}
