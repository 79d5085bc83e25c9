import type { MethodDefinition } from '@grpc/grpc-js';
import { ComputeServiceService } from '../gen/nvote/v1/compute_service.js';
import type { AnyVotedMethod } from '../methods/index.js';
import { withPackedDoubleFields } from './packed-doubles.js';
import { withMeasuredRequests } from './request-size.js';
import { withStrictRequests } from './strict-request.js';

// Every generated service whose methods can be voted on, by path.
const GENERATED = new Map<string, MethodDefinition<unknown, unknown>>(
  Object.values(ComputeServiceService).map(definition => [definition.path, definition as MethodDefinition<unknown, unknown>]),
);

/** The `/service/Method` path of a voted method. */
export function pathOf(method: AnyVotedMethod): string {
  return `/${method.service}/${method.name}`;
}

/**
 * A voted method's gRPC definition as the server uses it: measured on the wire (request-size.ts)
 * and, for the generated ones, checked strictly before ts-proto decodes them (strict-request.ts),
 * with their large packed double fields read as blocks (packed-doubles.ts); an extension's own
 * codec does its own checking.
 */
export function serverDefinitionOf(method: AnyVotedMethod): MethodDefinition<unknown, unknown> {
  const definition = definitionOf(method);
  return withMeasuredRequests(method.definition === undefined ? withStrictRequests(withPackedDoubleFields(definition)) : definition);
}

/** The generated (or, for an extension, the method's own) definition of a voted method. */
export function definitionOf(method: AnyVotedMethod): MethodDefinition<unknown, unknown> {
  const definition = (method.definition as MethodDefinition<unknown, unknown> | undefined) ?? GENERATED.get(pathOf(method));
  if (definition === undefined) throw new Error(`${pathOf(method)}: no generated definition; an extension method must bring its own`);
  return definition;
}
