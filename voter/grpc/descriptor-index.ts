import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import {
  FileDescriptorProtoSchema,
  type DescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

/**
 * The original `FileDescriptorProto` bytes of every proto the gateway serves, found by file name,
 * by every symbol they define, and by extension. Served unchanged: strict descriptor pools (Go's
 * protodesc behind grpcurl and buf curl, Python's protobuf) reject descriptors rebuilt from a
 * protobuf.js definition (grpcurl issue #519), which is what @grpc/reflection serves.
 */
export interface DescriptorIndex {
  /** The file and every file it depends on, transitively, the file first; undefined if unknown. */
  fileWithDependencies(name: string): Buffer[] | undefined;
  /** The file that defines a fully qualified message, enum, service, method, field or extension. */
  fileDefining(symbol: string): string | undefined;
  fileExtending(messageType: string, fieldNumber: number): string | undefined;
  /** Extension field numbers of a message type; undefined when the type is unknown. */
  extensionNumbersOf(messageType: string): number[] | undefined;
  /** Services defined by the indexed files. */
  readonly services: readonly string[];
}

interface IndexedFile {
  readonly bytes: Buffer;
  readonly proto: FileDescriptorProto;
}

/**
 * Indexes FileDescriptorSets (what `buf build` writes). The first set to define a file wins, so
 * an extension's copy of a shared dependency does not replace the gateway's. Files whose
 * services are all in `hiddenServices` are left out, with their symbols.
 */
export function createDescriptorIndex(sets: readonly Uint8Array[], hiddenServices: ReadonlySet<string>): DescriptorIndex {
  const files = new Map<string, IndexedFile>();
  for (const set of sets) {
    for (const bytes of filesOf(set)) {
      const proto = fromBinary(FileDescriptorProtoSchema, bytes);
      const defined = proto.service.map(service => qualify(proto.package, service.name));
      if (defined.length > 0 && defined.every(service => hiddenServices.has(service))) continue;
      if (!files.has(proto.name)) files.set(proto.name, { bytes, proto });
    }
  }

  const symbols = new Map<string, string>();
  const messages = new Set<string>();
  const extensions = new Map<string, Map<number, string>>();
  const services: string[] = [];
  for (const { proto } of files.values()) {
    const define = (symbol: string): void => {
      if (!symbols.has(symbol)) symbols.set(symbol, proto.name);
    };
    const addExtension = (field: FieldDescriptorProto, scope: string): void => {
      define(qualify(scope, field.name));
      const extendee = field.extendee.replace(/^\./, '');
      const numbers = extensions.get(extendee) ?? new Map<number, string>();
      numbers.set(field.number, proto.name);
      extensions.set(extendee, numbers);
    };
    const addMessage = (message: DescriptorProto, scope: string): void => {
      const name = qualify(scope, message.name);
      define(name);
      messages.add(name);
      for (const field of message.field) define(qualify(name, field.name));
      for (const oneof of message.oneofDecl) define(qualify(name, oneof.name));
      for (const nested of message.nestedType) addMessage(nested, name);
      for (const enumType of message.enumType) addEnum(enumType.name, enumType.value, name);
      for (const field of message.extension) addExtension(field, name);
    };
    const addEnum = (enumName: string, values: readonly { name: string }[], scope: string): void => {
      define(qualify(scope, enumName));
      // Enum values are scoped like their enum's siblings, as in protoc.
      for (const value of values) define(qualify(scope, value.name));
    };
    for (const message of proto.messageType) addMessage(message, proto.package);
    for (const enumType of proto.enumType) addEnum(enumType.name, enumType.value, proto.package);
    for (const field of proto.extension) addExtension(field, proto.package);
    for (const service of proto.service) {
      const name = qualify(proto.package, service.name);
      define(name);
      services.push(name);
      for (const method of service.method) define(qualify(name, method.name));
    }
  }

  return {
    services,
    fileWithDependencies(name) {
      if (!files.has(name)) return undefined;
      const ordered: Buffer[] = [];
      const seen = new Set<string>();
      const visit = (fileName: string): void => {
        const file = files.get(fileName);
        if (file === undefined || seen.has(fileName)) return;
        seen.add(fileName);
        ordered.push(file.bytes);
        for (const dependency of file.proto.dependency) visit(dependency);
      };
      visit(name);
      return ordered;
    },
    fileDefining: symbol => symbols.get(symbol.replace(/^\./, '')),
    fileExtending: (messageType, fieldNumber) => extensions.get(messageType.replace(/^\./, ''))?.get(fieldNumber),
    extensionNumbersOf(messageType) {
      const name = messageType.replace(/^\./, '');
      if (!messages.has(name)) return undefined;
      return [...(extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
    },
  };
}

/** The raw bytes of each `file` (field 1) of a FileDescriptorSet, exactly as written. */
function filesOf(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const out: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === 1 && wireType === WireType.LengthDelimited) out.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType, fieldNo);
  }
  return out;
}

function qualify(scope: string, name: string): string {
  return scope === '' ? name : `${scope}.${name}`;
}
