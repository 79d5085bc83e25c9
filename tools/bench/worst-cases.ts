/**
 * Each built-in version on the contract's hardest valid inputs, alone on one thread: the first
 * call in a fresh process (compilation included, what a respawned worker pays) and the slowest
 * of five warm calls. The table in versions/SPEC.md comes from here.
 *
 * It imports the versions themselves (it times them, not the gateway): with plain-server.ts, the
 * only tools that reach into versions/. It finds them as the gateway's methods name them, one
 * folder per RPC of nvote.v1.ComputeService and one file per version (`versions/sort/merge.ts` is
 * `sort-merge`), so a new version or RPC needs no table here.
 *
 * usage: npm run bench:worst
 */
import { readdirSync } from 'node:fs';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { seededRandom } from '../campaign/seeded-random.js';
import {
  worstEvaluate,
  worstShortestPath,
  worstSort,
  worstStatistics,
} from '../campaign/workloads/worst-cases.js';

type VersionFunction = (input: unknown) => unknown;

interface VersionFile {
  readonly id: string;
  readonly module: URL;
}

const VERSIONS = new URL('../../versions/', import.meta.url);

/** The RPCs in proto order, each with its version files (compiled next to this file). */
function methodsWithVersions(): { name: string; versions: VersionFile[] }[] {
  return Object.values(ComputeServiceService).map(definition => {
    const name = definition.path.slice(definition.path.lastIndexOf('/') + 1);
    const folder = name.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
    const versions = readdirSync(new URL(`${folder}/`, VERSIONS))
      .filter(file => file.endsWith('.js'))
      .sort()
      .map(file => ({ id: `${folder}-${file.slice(0, -'.js'.length)}`, module: new URL(`${folder}/${file}`, VERSIONS) }));
    return { name, versions };
  });
}

const SEMIPRIME_NEAR_2_64 = 18_446_743_979_220_271_189n; // 4294967291 × 4294967279

/** The hardest inputs per RPC, as versions receive them (SPEC.md's limits). */
function hardestInputs(): Record<string, { label: string; input: unknown }[]> {
  const random = seededRandom('worst-case-bench');
  const sort = worstSort(random).request;
  const path = worstShortestPath(random).request;
  const statistics = worstStatistics(random).request;
  const expressions = [0, 1, 2].map(kind => worstEvaluate(random, kind).request.expression);
  return {
    Sort: [{ label: '100,000 int64', input: { values: sort.values } }],
    Factorize: [
      { label: '4294967291 × 4294967279', input: { n: SEMIPRIME_NEAR_2_64 } },
      { label: 'largest prime < 2^64', input: { n: 18_446_744_073_709_551_557n } },
      { label: 'square of the largest prime < 2^32', input: { n: 4_294_967_291n ** 2n } },
    ],
    Evaluate: [
      ...expressions.map(expression => ({
        label: expression.startsWith('(') ? '200-deep parentheses' : expression.startsWith('-') ? '5,000 unary minus' : '10,000-character sum',
        input: { expression },
      })),
      { label: '2^2^… 3,000 operators', input: { expression: Array.from({ length: 3_001 }, () => '2').join('^') } },
    ],
    ShortestPath: [
      { label: 'adversarial for label-correcting (SPFA)', input: adversarialForLabelCorrecting() },
      {
        label: '10,000 nodes, 100,000 edges',
        input: { nodeCount: path.nodeCount, edges: path.edges.map(({ from, to, weight }) => ({ from, to, weight })), source: path.source, target: path.target },
      },
    ],
    Statistics: [{ label: '1,000,000 doubles near 1e9', input: { values: statistics.values } }],
  };
}

async function main(): Promise<void> {
  const inputs = hardestInputs();
  const rows: string[] = ['| RPC | version | input | first call ms | slowest warm ms |', '|---|---|---|---:|---:|'];
  for (const method of methodsWithVersions()) {
    for (const version of method.versions) {
      const run = ((await import(version.module.href)) as { default: VersionFunction }).default;
      for (const { label, input } of inputs[method.name] ?? []) {
        // Trial division is deliberately slow: about 2^31 divisions on each of these.
        if (version.id === 'factorize-trial-division') {
          rows.push(`| ${method.name} | ${version.id} | ${label} | > budget | > budget |`);
          continue;
        }
        const first = time(run, input);
        const warm = Math.max(...Array.from({ length: 5 }, () => time(run, input)));
        rows.push(`| ${method.name} | ${version.id} | ${label} | ${first.toFixed(1)} | ${warm.toFixed(1)} |`);
      }
    }
  }
  console.log(rows.join('\n'));
  console.log(`\nnode ${process.version}, ${new Date().toISOString().slice(0, 10)}; command: npm run bench:worst`);
}

/**
 * Valid, within the limits, and quadratic for a queue-based label-correcting search: a zero-weight
 * blocker keeps the queue first-in-first-out while a chain improves one hop per pass.
 */
function adversarialForLabelCorrecting(): unknown {
  const edges = [{ from: 0, to: 9_999, weight: 0 }];
  for (let i = 9_998; i >= 1; i--) edges.push({ from: 0, to: i, weight: 2 * i });
  for (let i = 1; i <= 9_997; i++) edges.push({ from: i, to: i + 1, weight: 1 });
  for (let k = 0; edges.length < 100_000; k++) edges.push({ from: 1 + (k % 9_997), to: 0, weight: 1 });
  return { nodeCount: 10_000, edges, source: 0, target: 9_998 };
}

function time(run: VersionFunction, input: unknown): number {
  const copy = structuredClone(input);
  const started = performance.now();
  run(copy);
  return performance.now() - started;
}

await main();
