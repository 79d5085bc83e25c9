import { UsageError } from './usage-error.js';

export const DEFAULT_ADDRESS = '127.0.0.1:50051';
/** The gateway's admin listener (fault injection, operator service), as the gateway defaults it. */
export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:50052';

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/**
 * `HOST:PORT`, `[IPV6]:PORT` or `unix:PATH`, checked here because grpc-js takes almost anything
 * and fails later, with a stack trace or a connection error that does not say what was wrong.
 */
export function parseAddress(text: string, source: string): string {
  if (text.trim() === '') throw new UsageError(`${source} is empty; give HOST:PORT`);
  if (/^unix:.+/.test(text)) return text;
  const port = Number(HOST_PORT.exec(text)?.[1] ?? Number.NaN);
  if (!(port >= 1 && port <= 65_535)) {
    throw new UsageError(`${source}: "${text}" is not HOST:PORT (or unix:PATH) with a port from 1 to 65535`);
  }
  return text;
}

/** The gateway: --address, else NVOTE_ADDRESS, else the default. An empty NVOTE_ADDRESS is a mistake, not "unset". */
export function resolveAddress(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return resolveFrom(flag, env, 'NVOTE_ADDRESS', DEFAULT_ADDRESS);
}

/** The gateway's admin listener: --address, else NVOTE_ADMIN_ADDRESS, else the default. */
export function resolveAdminAddress(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return resolveFrom(flag, env, 'NVOTE_ADMIN_ADDRESS', DEFAULT_ADMIN_ADDRESS);
}

function resolveFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, variable: string, fallback: string): string {
  if (flag !== undefined) return parseAddress(flag, '--address');
  const fromEnv = env[variable];
  if (fromEnv === undefined) return fallback;
  if (fromEnv.trim() === '') throw new UsageError(`${variable} is empty; set it to HOST:PORT, or unset it for ${fallback}`);
  return parseAddress(fromEnv, variable);
}
