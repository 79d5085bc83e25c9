import type { AnyVotedMethod } from '../methods/index.js';
import type { RemoteCodec } from '../runners/index.js';
import { definitionOf, pathOf } from './method-definitions.js';

/** How a remote version of a method is spoken to: the method's own generated codec, unchanged. */
export function createRemoteCodec(method: AnyVotedMethod): RemoteCodec {
  const definition = definitionOf(method);
  return {
    path: pathOf(method),
    serialize: request => definition.requestSerialize(request),
    deserialize: bytes => definition.responseDeserialize(bytes),
    toValue: response => method.fromResponse(response),
  };
}
