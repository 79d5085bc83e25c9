import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { journalSchema, resolveJournalSettings, type JournalSettings } from './journal/index.js';
import type { AnyVotedMethod, VersionModule } from './methods/index.js';
import type { Tolerance } from './vote/index.js';

// A cold gateway's first calls cost several times what warm ones do (JIT, first GCs, worker
// restarts after the first faults); eight per core kept a 2-core gateway's opening burst of a c=64
// fault campaign inside its budgets.
const INITIAL_IN_FLIGHT_PER_CORE = 8;

export const DEFAULTS = {
  listen: '0.0.0.0:50051', // gRPC, host:port (port 0 picks a free port)
  metricsListen: '0.0.0.0:9464', // Prometheus /metrics over HTTP/1.1
  adminListen: '127.0.0.1:50052', // gRPC, fault injection and operator services; only when one is enabled
  maxInFlight: 256, // voted calls admitted at once, stragglers included; past it RESOURCE_EXHAUSTED
  // initialInFlight: 8 per core unless set; calls admitted at once on a cold gateway, raised by one per call decided within half its budget, halved (not below it) per late one
  maxInFlightBytes: 256 * 1024 * 1024, // bytes the admitted calls may hold (wire size × (2 + versions)); past it RESOURCE_EXHAUSTED
  maxQueueWaitMs: 250, // ms, refuse a call when its versions' queues would delay it longer than this
  // maxEventLoopLagMs: off unless set; ms, refuse calls while the event loop runs this far behind (calls in flight)
  defaultTimeoutMs: 5_000, // ms, each version's budget when the client sets no deadline
  maxTimeoutMs: 60_000, // ms, cap on a budget derived from a client deadline
  deadlineMarginMs: 50, // ms, budgets end this long before the client deadline, so the vote can answer
  stragglerGraceMs: 250, // ms, versions still running this long after the vote is decided are stopped
  shutdownGraceMs: 5_000, // ms, drain time on SIGTERM before in-flight calls are cancelled
  maxMessageBytes: 16 * 1024 * 1024, // bytes, largest request or response (1,000,000 doubles is 8 MB)
  threadsPerVersion: 2, // most worker threads in each version's pool, under load: one hung or respawning worker does not stall the version
  minThreadsPerVersion: 1, // threads each version's pool keeps when idle (about 8 MB each); more start ahead of need under load
  maxOldGenerationMb: 256, // MiB, heap limit of each worker
  logLevel: 'info', // pino level
  maxActiveFaults: 64, // fault injection: faults active at once, per-call ones in flight included
  healthFailureThreshold: 3, // consecutive failed verdicts (calls or probes) that make a version failing
  healthProbeIntervalMs: 1_000, // ms, how often health considers a known-answer probe
  healthIdleProbeAfterMs: 2_000, // ms, a version with no verdict for this long is probed
  healthSelfTestIntervalMs: 30_000, // ms, every method is self-tested at least this often, traffic or not
  healthSelfTestWatchdogMs: 2_000, // ms, a version that has not answered its self-test by then fails it (timeout)
  remoteMaxConcurrentCalls: 64, // calls in flight to one remote version at once; the rest wait their turn
  // stateFile: unset unless configured; where fault-management state (quarantine, self-tests) is checkpointed
  checkpointIntervalMs: 10_000, // ms, how often that state is checkpointed (the recovery point objective), and once at shutdown
  retryAttempts: 1, // time redundancy: re-runs of the failed or dissenting versions when a vote would fail (0: off)
  retryMinRemainingMs: 100, // ms, a re-run starts only if at least this much of the call's budget is left
  weightWindowSize: 100, // weighted voting: verdicts per version its weight is taken over
  quarantineEnabled: true, // quarantine versions that keep failing (wrong answers count like crashes)
  quarantineWindowSize: 20, // verdicts of clients' calls kept per version for its score
  quarantineFailureThreshold: 8, // failures within the window that quarantine a version
  quarantineReinstateAfterProbes: 3, // consecutive passed known-answer probes that reinstate it
} as const;

export const MIN_VERSIONS = 3;

const positiveInt = z.number().int().positive();
const address = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port');
const tolerance = z.strictObject({ relative: z.number().min(0).max(1), absolute: z.number().min(0) });

const versionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (a metric label)');
const remoteVersion = z.strictObject({
  id: versionId,
  address,
  maxConcurrentCalls: positiveInt.max(10_000).optional(),
  // Runs and is compared (metrics, journal) but never votes: how a new version earns its place.
  shadow: z.boolean().optional(),
});
const builtInVersion = z.strictObject({ id: z.string(), shadow: z.boolean().optional() });

const methodSchema = z.strictObject({
  // A built-in version's id, or a remote version: a gRPC server at `address` implementing the same RPC.
  versions: z.array(z.union([z.string(), builtInVersion, remoteVersion])).optional(),
  voter: z.string().optional(),
  tolerance: tolerance.optional(),
  defaultTimeoutMs: positiveInt.optional(),
  threads: positiveInt.max(64).optional(),
  minThreads: positiveInt.max(64).optional(),
  maxOldGenerationMb: positiveInt.min(16).optional(),
  // Strict mode for every call of the method: any dissent is an explicit error.
  strict: z.boolean().optional(),
  // History-weighted voting instead of plain majority (off unless given).
  weighted: z.strictObject({ minAgreement: z.number().int().min(2).optional() }).optional(),
});

const faultInjectionSchema = z.strictObject({
  enabled: z.boolean(),
  // Better passed as NVOTE_FAULT_INJECTION_TOKEN than written in a file.
  token: z.string().min(16, 'must be at least 16 characters').optional(),
  maxActiveFaults: positiveInt.max(10_000).optional(),
});

const operatorSchema = z.strictObject({
  enabled: z.boolean(),
  // Better passed as NVOTE_OPERATOR_TOKEN than written in a file.
  token: z.string().min(16, 'must be at least 16 characters').optional(),
});

const healthSchema = z.strictObject({
  failureThreshold: positiveInt.max(100).optional(),
  probeIntervalMs: positiveInt.min(10).optional(),
  idleProbeAfterMs: positiveInt.min(10).optional(),
  selfTestIntervalMs: positiveInt.min(10).optional(),
  selfTestWatchdogMs: positiveInt.min(10).optional(),
});

const quarantineSchema = z.strictObject({
  enabled: z.boolean().optional(),
  windowSize: positiveInt.max(10_000).optional(),
  failureThreshold: positiveInt.max(10_000).optional(),
  reinstateAfterProbes: positiveInt.max(1_000).optional(),
});

const retrySchema = z.strictObject({
  attempts: z.number().int().min(0).max(10).optional(),
  minRemainingMs: z.number().int().min(0).optional(),
});

const fileSchema = z.strictObject({
  listen: address.optional(),
  metricsListen: address.optional(),
  adminListen: address.optional(),
  maxInFlight: positiveInt.optional(),
  initialInFlight: positiveInt.optional(),
  maxInFlightBytes: positiveInt.optional(),
  maxQueueWaitMs: positiveInt.optional(),
  maxEventLoopLagMs: positiveInt.optional(),
  health: healthSchema.optional(),
  quarantine: quarantineSchema.optional(),
  retry: retrySchema.optional(),
  weightWindowSize: positiveInt.max(100_000).optional(),
  // TLS for the gRPC listeners (compute and admin): PEM files, read at start and again on SIGHUP.
  tls: z
    .strictObject({
      certFile: z.string().min(1),
      keyFile: z.string().min(1),
      // Set: mutual TLS, every client must present a certificate this CA signed.
      clientCaFile: z.string().min(1).optional(),
    })
    .optional(),
  stateFile: z.string().min(1).optional(),
  checkpointIntervalMs: positiveInt.min(100).optional(),
  defaultTimeoutMs: positiveInt.optional(),
  maxTimeoutMs: positiveInt.optional(),
  deadlineMarginMs: z.number().int().min(0).optional(),
  stragglerGraceMs: z.number().int().min(0).optional(),
  shutdownGraceMs: z.number().int().min(0).optional(),
  maxMessageBytes: positiveInt.optional(),
  threadsPerVersion: positiveInt.max(64).optional(),
  minThreadsPerVersion: positiveInt.max(64).optional(),
  maxOldGenerationMb: positiveInt.min(16).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  methods: z.record(z.string(), methodSchema).optional(),
  faultInjection: faultInjectionSchema.optional(),
  operator: operatorSchema.optional(),
  // The disagreement journal (voter/journal/journal-config.ts: its settings and their defaults).
  journal: journalSchema.optional(),
});

/** The configuration as written in a JSON file; every field is optional. */
export type ConfigInput = z.input<typeof fileSchema>;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A version served by a gRPC server elsewhere, implementing the same RPC (any language). */
export interface RemoteVersion {
  readonly id: string;
  readonly address: string;
  readonly maxConcurrentCalls: number;
}

/** Where one configured version runs: a worker pool in this process, or a remote server. */
export type VersionSource = (({ readonly transport: 'worker' } & VersionModule) | ({ readonly transport: 'remote' } & RemoteVersion)) & {
  /** Runs and is judged against the decision, counts in metrics and the journal, never votes. */
  readonly shadow: boolean;
};

export interface MethodSettings {
  readonly method: AnyVotedMethod;
  readonly versions: readonly VersionSource[];
  readonly voter: string;
  readonly tolerance: Tolerance;
  readonly defaultTimeoutMs: number;
  /** Most threads per version pool (under load), and the threads kept when idle. */
  readonly threads: number;
  readonly minThreads: number;
  readonly maxOldGenerationMb: number;
  /** Every call in strict mode (any dissent an explicit error); off by default. */
  readonly strict: boolean;
  /** History-weighted voting, with the fewest versions that must agree; undefined: plain majority. */
  readonly weighted: { readonly minAgreement: number } | undefined;
}

/** Off unless enabled; see the FaultInjectionService proto for what it allows. */
export interface FaultInjectionSettings {
  readonly enabled: boolean;
  /** Bearer token required on the admin service and on per-call fault metadata, when set. */
  readonly token: string | undefined;
  readonly maxActiveFaults: number;
}

/** The OperatorService (quarantine, reinstate, self-test now): off unless enabled, guarded like fault injection. */
export interface OperatorSettings {
  readonly enabled: boolean;
  readonly token: string | undefined;
}

export interface HealthSettings {
  readonly failureThreshold: number;
  readonly probeIntervalMs: number;
  readonly idleProbeAfterMs: number;
  readonly selfTestIntervalMs: number;
  readonly selfTestWatchdogMs: number;
}

/** Value-aware quarantine (voter/quarantine); on by default. */
export interface QuarantineSettings {
  readonly enabled: boolean;
  readonly windowSize: number;
  readonly failureThreshold: number;
  readonly reinstateAfterProbes: number;
}

/** Time redundancy against transient faults; on by default (one re-run). */
export interface RetrySettings {
  readonly attempts: number;
  readonly minRemainingMs: number;
}

export interface TlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string | undefined;
}

export interface Config {
  readonly listen: HostPort;
  readonly metricsListen: HostPort;
  /** Where FaultInjectionService and OperatorService listen, when either is enabled. */
  readonly adminListen: HostPort;
  readonly maxInFlight: number;
  /** Where the learned concurrency limit starts, and the least it falls to (at most maxInFlight). */
  readonly initialInFlight: number;
  readonly maxInFlightBytes: number;
  readonly maxQueueWaitMs: number;
  /** Off (undefined) unless configured. */
  readonly maxEventLoopLagMs: number | undefined;
  readonly health: HealthSettings;
  readonly quarantine: QuarantineSettings;
  readonly retry: RetrySettings;
  /** Verdicts per version that a weighted method's weights are taken over. */
  readonly weightWindowSize: number;
  /** Off (undefined) unless configured. */
  readonly stateFile: string | undefined;
  /** Off (undefined) unless configured: the gRPC listeners are then plaintext. */
  readonly tls: TlsSettings | undefined;
  readonly checkpointIntervalMs: number;
  readonly maxTimeoutMs: number;
  readonly deadlineMarginMs: number;
  readonly stragglerGraceMs: number;
  readonly shutdownGraceMs: number;
  readonly maxMessageBytes: number;
  readonly logLevel: string;
  readonly methods: readonly MethodSettings[];
  readonly faultInjection: FaultInjectionSettings;
  readonly operator: OperatorSettings;
  /** `path` undefined: no journal is kept. */
  readonly journal: JournalSettings;
}

/** Every problem found in a configuration, reported together. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map(problem => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * Validates a configuration against the methods the gateway serves, reporting every problem at
 * once, and returns it resolved and frozen.
 */
export function resolveConfig(input: unknown, methods: readonly AnyVotedMethod[]): Config {
  const parsed = fileSchema.safeParse(input ?? {});
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map(issue => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  // With schema problems, the checks below still run on every field that is well-formed, so
  // that all problems are reported in one round.
  const file = parsed.success ? parsed.data : salvage(input ?? {});
  const known = new Map(methods.map(method => [method.name, method]));
  for (const name of Object.keys(file.methods ?? {})) {
    if (!known.has(name)) problems.push(`methods.${name}: unknown method (known: ${[...known.keys()].join(', ')})`);
  }
  const resolved = methods.map(method => resolveMethod(method, file, problems));
  const maxTimeoutMs = file.maxTimeoutMs ?? DEFAULTS.maxTimeoutMs;
  const defaultTimeoutMs = file.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs;
  if (defaultTimeoutMs > maxTimeoutMs) {
    problems.push(`defaultTimeoutMs: ${defaultTimeoutMs} exceeds maxTimeoutMs ${maxTimeoutMs}`);
  }
  const listen = parseHostPort('listen', file.listen ?? DEFAULTS.listen, problems);
  const metricsListen = parseHostPort('metricsListen', file.metricsListen ?? DEFAULTS.metricsListen, problems);
  const faultInjection = {
    enabled: file.faultInjection?.enabled ?? false,
    token: file.faultInjection?.token,
    maxActiveFaults: file.faultInjection?.maxActiveFaults ?? DEFAULTS.maxActiveFaults,
  };
  const adminListen = parseHostPort('adminListen', file.adminListen ?? DEFAULTS.adminListen, problems);
  // Even on loopback: any local process could otherwise plant a fault that gives every caller a
  // wrong answer with status OK.
  if (faultInjection.enabled && faultInjection.token === undefined) {
    problems.push('faultInjection.token: required whenever fault injection is enabled; set NVOTE_FAULT_INJECTION_TOKEN');
  }
  const operator: OperatorSettings = { enabled: file.operator?.enabled ?? false, token: file.operator?.token };
  if (operator.enabled && operator.token === undefined && !isLoopback(adminListen.host)) {
    problems.push(`operator.token: required when the operator service is enabled on a non-loopback admin address (${adminListen.host}); set NVOTE_OPERATOR_TOKEN`);
  }
  const quarantine: QuarantineSettings = {
    enabled: file.quarantine?.enabled ?? DEFAULTS.quarantineEnabled,
    windowSize: file.quarantine?.windowSize ?? DEFAULTS.quarantineWindowSize,
    failureThreshold: file.quarantine?.failureThreshold ?? DEFAULTS.quarantineFailureThreshold,
    reinstateAfterProbes: file.quarantine?.reinstateAfterProbes ?? DEFAULTS.quarantineReinstateAfterProbes,
  };
  if (quarantine.failureThreshold > quarantine.windowSize) {
    problems.push(`quarantine.failureThreshold: ${quarantine.failureThreshold} exceeds quarantine.windowSize ${quarantine.windowSize}, so no version could ever be quarantined`);
  }
  const maxInFlight = file.maxInFlight ?? DEFAULTS.maxInFlight;
  if (file.initialInFlight !== undefined && file.initialInFlight > maxInFlight) {
    problems.push(`initialInFlight: ${file.initialInFlight} exceeds maxInFlight ${maxInFlight}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return deepFreeze({
    listen,
    metricsListen,
    adminListen,
    maxInFlight,
    initialInFlight: file.initialInFlight ?? Math.min(maxInFlight, INITIAL_IN_FLIGHT_PER_CORE * availableParallelism()),
    maxInFlightBytes: file.maxInFlightBytes ?? DEFAULTS.maxInFlightBytes,
    maxQueueWaitMs: file.maxQueueWaitMs ?? DEFAULTS.maxQueueWaitMs,
    maxEventLoopLagMs: file.maxEventLoopLagMs,
    health: {
      failureThreshold: file.health?.failureThreshold ?? DEFAULTS.healthFailureThreshold,
      probeIntervalMs: file.health?.probeIntervalMs ?? DEFAULTS.healthProbeIntervalMs,
      idleProbeAfterMs: file.health?.idleProbeAfterMs ?? DEFAULTS.healthIdleProbeAfterMs,
      selfTestIntervalMs: file.health?.selfTestIntervalMs ?? DEFAULTS.healthSelfTestIntervalMs,
      selfTestWatchdogMs: file.health?.selfTestWatchdogMs ?? DEFAULTS.healthSelfTestWatchdogMs,
    },
    quarantine,
    retry: { attempts: file.retry?.attempts ?? DEFAULTS.retryAttempts, minRemainingMs: file.retry?.minRemainingMs ?? DEFAULTS.retryMinRemainingMs },
    weightWindowSize: file.weightWindowSize ?? DEFAULTS.weightWindowSize,
    stateFile: file.stateFile,
    tls: file.tls,
    checkpointIntervalMs: file.checkpointIntervalMs ?? DEFAULTS.checkpointIntervalMs,
    maxTimeoutMs,
    deadlineMarginMs: file.deadlineMarginMs ?? DEFAULTS.deadlineMarginMs,
    stragglerGraceMs: file.stragglerGraceMs ?? DEFAULTS.stragglerGraceMs,
    shutdownGraceMs: file.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
    maxMessageBytes: file.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
    logLevel: file.logLevel ?? DEFAULTS.logLevel,
    methods: resolved,
    faultInjection,
    operator,
    journal: resolveJournalSettings(file.journal),
  });
}

function resolveMethod(method: AnyVotedMethod, file: FileConfig, problems: string[]): MethodSettings {
  const path = `methods.${method.name}`;
  const own = file.methods?.[method.name] ?? {};
  const byId = new Map(method.versions.map(version => [version.id, version]));
  const entries = own.versions ?? method.versions.filter(version => version.byDefault !== false).map(version => version.id);
  const versions: VersionSource[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = typeof entry === 'string' ? entry : entry.id;
    const builtIn = byId.get(id);
    const shadow = typeof entry !== 'string' && entry.shadow === true;
    if (seen.has(id)) problems.push(`${path}.versions: "${id}" is listed twice`);
    else if (typeof entry !== 'string' && 'address' in entry) {
      if (builtIn !== undefined) problems.push(`${path}.versions: remote "${id}" has the id of a built-in version; give it its own`);
      else versions.push({ transport: 'remote', id, address: entry.address, maxConcurrentCalls: entry.maxConcurrentCalls ?? DEFAULTS.remoteMaxConcurrentCalls, shadow });
    } else if (builtIn === undefined) {
      problems.push(`${path}.versions: unknown version "${id}" (known: ${[...byId.keys()].join(', ')})`);
    } else versions.push({ transport: 'worker', ...builtIn, shadow });
    seen.add(id);
  }
  const voting = entries.filter(entry => typeof entry === 'string' || entry.shadow !== true).length;
  if (voting < MIN_VERSIONS) {
    const counted = voting === entries.length ? `${voting} configured` : `${voting} voting versions configured (shadows do not vote)`;
    problems.push(`${path}.versions: ${counted}, at least ${MIN_VERSIONS} are needed to mask a faulty one`);
  }
  const voter = own.voter ?? method.defaultVoter;
  if (!(voter in method.voters)) {
    problems.push(`${path}.voter: unknown voter "${voter}" (known: ${Object.keys(method.voters).join(', ')})`);
  }
  const threads = own.threads ?? file.threadsPerVersion ?? DEFAULTS.threadsPerVersion;
  const minThreads = own.minThreads ?? file.minThreadsPerVersion ?? Math.min(DEFAULTS.minThreadsPerVersion, threads);
  if (minThreads > threads) {
    problems.push(`${path}: minThreads ${minThreads} is more than threads ${threads} (set through minThreadsPerVersion/threadsPerVersion or per method)`);
  }
  return {
    method,
    versions,
    voter,
    tolerance: own.tolerance ?? method.defaultTolerance,
    defaultTimeoutMs: own.defaultTimeoutMs ?? file.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs,
    threads,
    minThreads,
    maxOldGenerationMb: own.maxOldGenerationMb ?? file.maxOldGenerationMb ?? DEFAULTS.maxOldGenerationMb,
    strict: own.strict ?? false,
    weighted: weightedOf(own, voting, path, problems),
  };
}

function weightedOf(own: z.output<typeof methodSchema>, voting: number, path: string, problems: string[]): MethodSettings['weighted'] {
  if (own.weighted === undefined) return undefined;
  const minAgreement = own.weighted.minAgreement ?? Math.floor(voting / 2) + 1;
  if (minAgreement > voting) problems.push(`${path}.weighted.minAgreement: ${minAgreement} is more than the ${voting} voting versions`);
  return { minAgreement };
}

type FileConfig = z.output<typeof fileSchema>;

/** The well-formed fields of an input that failed the schema; malformed ones are left out. */
function salvage(input: unknown): FileConfig {
  if (!isRecord(input)) return {};
  const kept: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(fileSchema.shape)) {
    if (key === 'methods') continue;
    const result = (schema as z.ZodType).safeParse(input[key]);
    if (result.success && result.data !== undefined) kept[key] = result.data;
  }
  const methods = input['methods'];
  if (isRecord(methods)) {
    const keptMethods: Record<string, Record<string, unknown>> = {};
    for (const [name, method] of Object.entries(methods)) {
      const keptMethod: Record<string, unknown> = {};
      if (isRecord(method)) {
        for (const [key, schema] of Object.entries(methodSchema.shape)) {
          const result = (schema as z.ZodType).safeParse(method[key]);
          if (result.success && result.data !== undefined) keptMethod[key] = result.data;
        }
      }
      keptMethods[name] = keptMethod;
    }
    kept['methods'] = keptMethods;
  }
  return kept as FileConfig;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseHostPort(field: string, text: string, problems: string[]): HostPort {
  const match = /^(\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[4]);
  if (match === null || port > 65_535) {
    problems.push(`${field}: "${text}" is not host:port with a port from 0 to 65535`);
    return { host: '', port: 0 };
  }
  return { host: match[2] ?? match[3] ?? '', port };
}

/** Only these hosts keep the fault-injection surface off the network without a token. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof URL) && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      // Method definitions belong to their modules; freezing them is not ours to do.
      if (key !== 'method') deepFreeze(child);
    }
    Object.freeze(value);
  }
  return value;
}
