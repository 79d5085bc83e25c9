import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf } from '../helpers/fault-admin.js';
import { askReflection } from '../helpers/reflection.js';
import { startGateway, type Gateway } from '../helpers/start-gateway.js';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => gateway.stop());

/** `buf curl` (Go's protoreflect behind it is as strict as grpcurl's) against the gateway. */
async function bufCurl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'npx',
    ['buf', 'curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args],
    { timeout: 30_000 },
  );
  return stdout;
}

/** A registry built from the files alone; it throws on any reference it cannot resolve. */
function strictRegistry(files: readonly FileDescriptorProto[]) {
  const [first] = files;
  if (first === undefined) throw new Error('no files');
  return createFileRegistry(first, name => files.find(file => file.name === name));
}

/** Every file the gateway (its compute port unless said) sends for one request, parsed. */
async function filesFor(request: Parameters<typeof askReflection>[1][number], address = gateway.address): Promise<FileDescriptorProto[]> {
  const [reply] = await askReflection(address, [request]);
  if (reply?.$case !== 'fileDescriptorResponse') throw new Error(`no files: ${JSON.stringify(reply)}`);
  return reply.value.fileDescriptorProto.map(bytes => fromBinary(FileDescriptorProtoSchema, bytes));
}

describe('server reflection serves descriptors strict clients accept', () => {
  it('lists services and methods through buf curl', async () => {
    const services = await bufCurl('--list-services', `http://${gateway.address}`);
    expect(services.trim().split('\n').sort()).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'nvote.v1.ComputeService',
    ]);
    const methods = await bufCurl('--list-methods', `http://${gateway.address}`);
    expect(methods).toContain('nvote.v1.ComputeService/ShortestPath');
    expect(methods).toContain('grpc.health.v1.Health/Watch');
  });

  it('calls health and a voted RPC through buf curl, schema from reflection alone', async () => {
    const health = await bufCurl('-d', '{"service":"nvote.v1.ComputeService/Sort"}', `http://${gateway.address}/grpc.health.v1.Health/Check`);
    expect(JSON.parse(health)).toEqual({ status: 'SERVING' });
    const request = JSON.stringify({ nodeCount: 3, edges: [{ from: 0, to: 1, weight: 1 }, { from: 1, to: 2, weight: 2 }], source: 0, target: 2 });
    const answer = await bufCurl('-d', request, `http://${gateway.address}/nvote.v1.ComputeService/ShortestPath`);
    expect(JSON.parse(answer)).toEqual({ reachable: true, distance: 3, path: [0, 1, 2] });
  });

  it('finds each file by its own name, with fully qualified type names and every dependency, enough for a strict registry', async () => {
    const files = await filesFor({ $case: 'fileByFilename', value: 'nvote/v1/compute_service.proto' });
    expect(files[0]?.name).toBe('nvote/v1/compute_service.proto');
    const edge = files[0]?.messageType.find(message => message.name === 'ShortestPathRequest')?.field.find(field => field.name === 'edges');
    expect(edge?.typeName).toBe('.nvote.v1.Edge');
    // createFileRegistry resolves every reference and refuses a file whose dependency is missing.
    const registry = strictRegistry(files);
    expect(registry.getService('nvote.v1.ComputeService')?.methods.map(method => method.name)).toContain('Statistics');
  });

  it('serves google/rpc/status.proto with its dependencies and the health proto as compiled', async () => {
    const status = await filesFor({ $case: 'fileContainingSymbol', value: 'google.rpc.Status' });
    expect(status.map(file => file.name)).toEqual(['google/rpc/status.proto', 'google/protobuf/any.proto']);
    const health = await filesFor({ $case: 'fileContainingSymbol', value: 'grpc.health.v1.Health.Check' });
    expect(health[0]?.name).toBe('grpc/health/v1/health.proto');
    // protobuf.js's rebuild turned the map into an explicit message strict pools refused; compiled, it is a map.
    const list = strictRegistry(health).getMessage('grpc.health.v1.HealthListResponse');
    expect(list?.fields[0]?.fieldKind).toBe('map');
    expect(strictRegistry(status).getMessage('google.rpc.Status')?.fields.map(field => field.name)).toEqual(['code', 'message', 'details']);
  });

  it('answers NOT_FOUND for an unknown file or symbol, and never describes the admin services while they are off', async () => {
    const replies = await askReflection(gateway.address, [
      { $case: 'fileByFilename', value: 'no/such.proto' },
      { $case: 'fileContainingSymbol', value: 'nvote.v1.FaultInjectionService' },
      { $case: 'fileByFilename', value: 'nvote/v1/fault_injection_service.proto' },
      { $case: 'fileContainingSymbol', value: 'nvote.v1.OperatorService' },
    ]);
    for (const reply of replies) expect(reply).toMatchObject({ $case: 'errorResponse', value: { errorCode: 5 } });
  });

  it('describes the admin services on the admin listener alone, never on the compute port, while they are on', async () => {
    await using withAdmin = await startGateway({ config: { faultInjection: { enabled: true }, operator: { enabled: true } } });
    const [list, ...compute] = await askReflection(withAdmin.address, [
      { $case: 'listServices', value: '' },
      { $case: 'fileContainingSymbol', value: 'nvote.v1.FaultInjectionService' },
      { $case: 'fileByFilename', value: 'nvote/v1/fault_injection_service.proto' },
      { $case: 'fileContainingSymbol', value: 'nvote.v1.OperatorService' },
      { $case: 'fileByFilename', value: 'nvote/v1/operator_service.proto' },
    ]);
    expect(list?.$case === 'listServicesResponse' ? list.value.service.map(service => service.name).sort() : list).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'nvote.v1.ComputeService',
    ]);
    for (const reply of compute) expect(reply).toMatchObject({ $case: 'errorResponse', value: { errorCode: 5 } });

    // The admin listener: what it serves, as a strict client sees it, and nothing of the compute port.
    const admin = adminOf(withAdmin);
    const services = await bufCurl('--list-services', `http://${admin}`);
    expect(services.trim().split('\n').sort()).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'nvote.v1.FaultInjectionService',
      'nvote.v1.OperatorService',
    ]);
    const operator = strictRegistry(await filesFor({ $case: 'fileContainingSymbol', value: 'nvote.v1.OperatorService' }, admin));
    expect(operator.getService('nvote.v1.OperatorService')?.methods.map(method => method.name)).toContain('Quarantine');
    const faults = strictRegistry(await filesFor({ $case: 'fileByFilename', value: 'nvote/v1/fault_injection_service.proto' }, admin));
    expect(faults.getService('nvote.v1.FaultInjectionService')?.methods.map(method => method.name)).toContain('InjectFault');
    const [computeOnAdmin] = await askReflection(admin, [{ $case: 'fileContainingSymbol', value: 'nvote.v1.ComputeService' }]);
    expect(computeOnAdmin).toMatchObject({ $case: 'errorResponse', value: { errorCode: 5 } });
  });
});
