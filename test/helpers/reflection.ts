import { credentials } from '@grpc/grpc-js';
import {
  ServerReflectionClient,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../../voter/gen/grpc/reflection/v1/reflection.js';

/** Sends reflection (v1) requests on one stream, as grpcurl does, and returns the replies in order. */
export async function askReflection(
  address: string,
  requests: readonly ServerReflectionRequest['messageRequest'][],
): Promise<ServerReflectionResponse['messageResponse'][]> {
  const client = new ServerReflectionClient(address, credentials.createInsecure());
  try {
    const stream = client.serverReflectionInfo({ deadline: Date.now() + 10_000 });
    const replies: ServerReflectionResponse['messageResponse'][] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (reply: ServerReflectionResponse) => {
        replies.push(reply.messageResponse);
        if (replies.length === requests.length) stream.end();
      });
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    for (const messageRequest of requests) stream.write({ host: '', messageRequest });
    await done;
    return replies;
  } finally {
    client.close();
  }
}

/** Asks server reflection what grpcurl would: the service list, then one symbol's file. */
export async function reflect(address: string, symbol: string): Promise<{ services: string[]; files: number }> {
  const [list, file] = await askReflection(address, [
    { $case: 'listServices', value: '' },
    { $case: 'fileContainingSymbol', value: symbol },
  ]);
  return {
    services: list?.$case === 'listServicesResponse' ? list.value.service.map(service => service.name).sort() : [],
    files: file?.$case === 'fileDescriptorResponse' ? file.value.fileDescriptorProto.length : 0,
  };
}
