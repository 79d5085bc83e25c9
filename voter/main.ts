#!/usr/bin/env node
/**
 * The gateway process: the only file that reads the environment, handles signals and sets the
 * exit code.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from './app.js';
import { ConfigError, resolveConfig } from './config.js';
import { builtInMethods } from './methods/index.js';

const USAGE = `usage: nvote-gateway [--config FILE] [--listen HOST:PORT] [--metrics-listen HOST:PORT]
                     [--admin-listen HOST:PORT] [--fault-injection]
  --fault-injection  serve nvote.v1.FaultInjectionService on the admin listener and honour
                     x-nvote-fault metadata on the compute port, both only with the token
                     NVOTE_FAULT_INJECTION_TOKEN (required)
  --admin-listen     where the admin listener (fault injection, operator service) listens;
                     default 127.0.0.1:50052, and only when one of them is enabled
  environment: NVOTE_CONFIG, NVOTE_LISTEN, NVOTE_METRICS_LISTEN, NVOTE_ADMIN_LISTEN,
               NVOTE_FAULT_INJECTION_TOKEN, NVOTE_OPERATOR_TOKEN (flags win)`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string' },
        listen: { type: 'string' },
        'metrics-listen': { type: 'string' },
        'admin-listen': { type: 'string' },
        'fault-injection': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }

  const configPath = args.config ?? process.env['NVOTE_CONFIG'];
  let fileConfig: Record<string, unknown> = {};
  if (configPath !== undefined && configPath !== '') {
    try {
      fileConfig = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      console.error(`cannot read configuration ${configPath}: ${(error as Error).message}`);
      process.exitCode = 2;
      return;
    }
  }
  const listen = args.listen ?? process.env['NVOTE_LISTEN'];
  const metricsListen = args['metrics-listen'] ?? process.env['NVOTE_METRICS_LISTEN'];
  const adminListen = args['admin-listen'] ?? process.env['NVOTE_ADMIN_LISTEN'];
  const input = {
    ...fileConfig,
    ...(listen ? { listen } : {}),
    ...(metricsListen ? { metricsListen } : {}),
    ...(adminListen ? { adminListen } : {}),
    ...faultInjectionInput(fileConfig['faultInjection'], args['fault-injection'], process.env['NVOTE_FAULT_INJECTION_TOKEN']),
    ...operatorInput(fileConfig['operator'], process.env['NVOTE_OPERATOR_TOKEN']),
  };

  let config;
  try {
    config = resolveConfig(input, builtInMethods);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }

  const logger = pino({ level: config.logLevel });
  const app = createApp({ config, logger });
  let stopping: Promise<void> | undefined;
  const stop = (signal: string): void => {
    if (stopping !== undefined) return;
    logger.info({ signal }, 'shutting down');
    // The app bounds each step of its shutdown; this bounds the whole, whatever holds the loop.
    setTimeout(() => {
      logger.error({ limitMs: config.shutdownGraceMs + EXIT_MARGIN_MS }, 'shutdown overran its bound; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + EXIT_MARGIN_MS).unref();
    stopping = app.stop().then(
      () => exitSoon(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitSoon(1);
      },
    );
  };
  // Certificate rotation without a restart: new connections get the files' new contents.
  process.on('SIGHUP', () => void app.reloadTls());
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await app.start();
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    await app.stop().catch(() => undefined);
    process.exitCode = 1;
  }
}

// Shutdown takes at most shutdownGraceMs plus this: answering the last calls, flushing them,
// closing the pools and the metrics listener are each bounded well within it.
const EXIT_MARGIN_MS = 2_500;

/** Exits once the event loop is idle, or after a moment if something still holds it. */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 200).unref();
}

/** The flag enables fault injection and the token comes from the environment; the file may set both. */
function faultInjectionInput(
  fromFile: unknown,
  flag: boolean | undefined,
  token: string | undefined,
): { faultInjection?: unknown } {
  if (flag !== true && (token === undefined || token === '')) return {};
  const base = typeof fromFile === 'object' && fromFile !== null ? fromFile : { enabled: false };
  return {
    faultInjection: {
      ...base,
      ...(flag === true ? { enabled: true } : {}),
      ...(token !== undefined && token !== '' ? { token } : {}),
    },
  };
}

/** The operator token, better passed in the environment than written in the file. */
function operatorInput(fromFile: unknown, token: string | undefined): { operator?: unknown } {
  if (token === undefined || token === '') return {};
  const base = typeof fromFile === 'object' && fromFile !== null ? fromFile : { enabled: false };
  return { operator: { ...base, token } };
}

await main();
