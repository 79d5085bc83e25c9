import type { Metadata } from '@grpc/grpc-js';

/** A header's text values (binary ones are decoded as UTF-8): how the pipeline's plug-ins read metadata. */
export function headerValues(metadata: Metadata, name: string): string[] {
  return metadata.get(name).map(value => (typeof value === 'string' ? value : value.toString('utf8')));
}
