import type { MethodDefinition } from '@grpc/grpc-js';

// Keyed by the decoded request object, so the size never outlives the request.
const wireSizes = new WeakMap<object, number>();

/**
 * The same method, remembering each request's size on the wire: admission charges a call for
 * the memory it holds, and the bytes are known only to the deserializer.
 */
export function withMeasuredRequests<TRequest, TResponse>(
  definition: MethodDefinition<TRequest, TResponse>,
): MethodDefinition<TRequest, TResponse> {
  const decode = definition.requestDeserialize;
  return {
    ...definition,
    requestDeserialize: (bytes: Buffer) => {
      const request = decode(bytes);
      if (typeof request === 'object' && request !== null) wireSizes.set(request, bytes.length);
      return request;
    },
  };
}

/** The wire size of a request decoded by a measured definition; 0 when unknown. */
export function wireSizeOf(request: unknown): number {
  return typeof request === 'object' && request !== null ? (wireSizes.get(request) ?? 0) : 0;
}
