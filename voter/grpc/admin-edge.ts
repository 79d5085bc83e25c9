import type { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { HostPort } from '../config.js';
import type { FaultInjection } from '../faults/index.js';
import { bindServer, createGrpcServer } from './create-grpc-server.js';
import { addFaultInjectionService, FAULT_INJECTION_SERVICE } from './fault-injection-service.js';
import { addOperatorService, OPERATOR_SERVICE, type OperatorControl } from './operator-service.js';
import { addHealth, addStandardReflection } from './standard-services.js';

export interface AdminEdgeOptions {
  readonly listen: HostPort;
  /** Present only when fault injection is enabled: FaultInjectionService is served and described. */
  readonly faultInjection?: FaultInjection;
  /** Present only when the operator service is enabled. */
  readonly operator?: OperatorControl;
  /** The compute port's services: defined in the same descriptors, never described here. */
  readonly computeServices: readonly string[];
  readonly descriptorSets: readonly Buffer[];
  readonly logger: Logger;
  /** The compute port's TLS when configured: the admin listener is never weaker. */
  readonly credentials?: ServerCredentials;
}

/** The admin listener: the services that change what the gateway answers, apart from the compute port. */
export interface AdminEdge {
  listen(): Promise<string>;
  /** Ends the admin calls in flight (they are short) and closes the listener. */
  close(): Promise<void>;
}

// Admin calls are small: a fault spec, a version's name.
const ADMIN_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * FaultInjectionService and OperatorService on a listener of their own (loopback by default):
 * a process that can reach the compute port must not thereby be able to plant a fault that makes
 * other callers' answers wrong, nor stand a version down. Its reflection describes only what it
 * serves, and the compute port's reflection never describes these.
 */
export function createAdminEdge(options: AdminEdgeOptions): AdminEdge {
  const { faultInjection, operator, logger } = options;
  const server: Server = createGrpcServer({ maxMessageBytes: ADMIN_MAX_MESSAGE_BYTES });
  const served: string[] = [];
  if (faultInjection !== undefined) {
    addFaultInjectionService(server, faultInjection, logger);
    served.push(FAULT_INJECTION_SERVICE);
  }
  if (operator !== undefined) {
    addOperatorService(server, operator, logger);
    served.push(OPERATOR_SERVICE);
  }
  // A liveness check for the listener itself; the compute port's health says whether calls are served.
  addHealth(server, ['']).set('', 'SERVING');
  const unserved = [FAULT_INJECTION_SERVICE, OPERATOR_SERVICE].filter(name => !served.includes(name));
  addStandardReflection(server, served, [...unserved, ...options.computeServices], options.descriptorSets);

  let closed: Promise<void> | undefined;
  return {
    async listen() {
      const address = await bindServer(server, options.listen.host, options.listen.port, options.credentials);
      logger.warn({ admin: address, services: served }, 'the admin listener is enabled');
      return address;
    },
    close() {
      closed ??= new Promise<void>(resolve => {
        server.tryShutdown(() => resolve());
        // Admin calls end in milliseconds; a client that holds one open must not hold shutdown.
        setTimeout(() => server.forceShutdown(), ADMIN_DRAIN_MS).unref();
      });
      return closed;
    },
  };
}

const ADMIN_DRAIN_MS = 1_000;
