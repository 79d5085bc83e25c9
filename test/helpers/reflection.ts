import { createRequire } from 'node:module';
import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Asks server reflection (v1) what grpcurl would: the service list, then one symbol's file. */
export async function reflect(address: string, symbol: string): Promise<{ services: string[]; files: number }> {
  const require = createRequire(import.meta.url);
  const protoFile = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const reflection = loadPackageDefinition(loadSync(protoFile, { keepCase: true })) as GrpcObject;
  const v1 = ((reflection['grpc'] as GrpcObject)['reflection'] as GrpcObject)['v1'] as GrpcObject;
  const Client = v1['ServerReflection'] as ServiceClientConstructor;
  const client = new Client(address, credentials.createInsecure());
  try {
    const stream = (client['ServerReflectionInfo'] as (...args: unknown[]) => unknown).call(client) as NodeJS.ReadWriteStream & {
      write(message: unknown): boolean;
    };
    const replies: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (reply: unknown) => {
        replies.push(reply);
        if (replies.length === 2) stream.end();
      });
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    stream.write({ list_services: '' });
    stream.write({ file_containing_symbol: symbol });
    await done;
    const list = replies[0] as { list_services_response: { service: { name: string }[] } };
    const file = replies[1] as { file_descriptor_response?: { file_descriptor_proto: Buffer[] } };
    return {
      services: list.list_services_response.service.map(service => service.name).sort(),
      files: file.file_descriptor_response?.file_descriptor_proto.length ?? 0,
    };
  } finally {
    client.close();
  }
}
