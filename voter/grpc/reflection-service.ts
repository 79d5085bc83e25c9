import { status, type Server, type ServerDuplexStream } from '@grpc/grpc-js';
import {
  ServerReflectionService as ReflectionV1,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../gen/grpc/reflection/v1/reflection.js';
import { ServerReflectionService as ReflectionV1Alpha } from '../gen/grpc/reflection/v1alpha/reflection.js';
import type { DescriptorIndex } from './descriptor-index.js';

export const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

/**
 * Server reflection v1 and v1alpha (same messages, two paths) over the original descriptors:
 * list_services answers `listed`; the file queries answer any file the index holds.
 */
export function addReflection(server: Server, index: DescriptorIndex, listed: readonly string[]): void {
  const info = (stream: ServerDuplexStream<ServerReflectionRequest, ServerReflectionResponse>): void => {
    stream.on('data', (request: ServerReflectionRequest) => {
      stream.write({ validHost: request.host, originalRequest: request, messageResponse: answer(index, listed, request) });
    });
    stream.on('end', () => stream.end());
    // A client that resets its stream is not an error of ours.
    stream.on('error', () => undefined);
  };
  server.addService(ReflectionV1, { serverReflectionInfo: info });
  // v1alpha's messages are v1's, field for field; only the path differs.
  server.addService(ReflectionV1Alpha, { serverReflectionInfo: info } as never);
}

function answer(
  index: DescriptorIndex,
  listed: readonly string[],
  request: ServerReflectionRequest,
): ServerReflectionResponse['messageResponse'] {
  const query = request.messageRequest;
  const files = (name: string | undefined, what: string): ServerReflectionResponse['messageResponse'] => {
    const found = name === undefined ? undefined : index.fileWithDependencies(name);
    if (found === undefined) return notFound(what);
    return { $case: 'fileDescriptorResponse', value: { fileDescriptorProto: found } };
  };
  switch (query?.$case) {
    case 'listServices':
      return { $case: 'listServicesResponse', value: { service: listed.map(name => ({ name })) } };
    case 'fileByFilename':
      return files(query.value, `file ${query.value}`);
    case 'fileContainingSymbol':
      return files(index.fileDefining(query.value), `symbol ${query.value}`);
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = query.value;
      return files(index.fileExtending(containingType, extensionNumber), `extension ${extensionNumber} of ${containingType}`);
    }
    case 'allExtensionNumbersOfType': {
      const numbers = index.extensionNumbersOf(query.value);
      if (numbers === undefined) return notFound(`type ${query.value}`);
      return { $case: 'allExtensionNumbersResponse', value: { baseTypeName: query.value, extensionNumber: numbers } };
    }
    case undefined:
      return { $case: 'errorResponse', value: { errorCode: status.INVALID_ARGUMENT, errorMessage: 'no request set' } };
  }
}

function notFound(what: string): ServerReflectionResponse['messageResponse'] {
  return { $case: 'errorResponse', value: { errorCode: status.NOT_FOUND, errorMessage: `${what} not found` } };
}
