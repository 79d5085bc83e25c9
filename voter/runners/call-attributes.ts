/**
 * Typed per-call state for plug-ins: an interceptor sets what a runner decorator or an observer
 * of the same plug-in reads later, without the pipeline knowing what it is.
 */

/** A typed slot; identity, not the name, is the key, so two plug-ins cannot collide. */
export class AttributeKey<T> {
  declare readonly type: T;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

export interface ReadonlyAttributes {
  get<T>(key: AttributeKey<T>): T | undefined;
}

export interface CallAttributes extends ReadonlyAttributes {
  set<T>(key: AttributeKey<T>, value: T): void;
}

export function createCallAttributes(): CallAttributes {
  const values = new Map<AttributeKey<unknown>, unknown>();
  return {
    get: <T>(key: AttributeKey<T>) => values.get(key) as T | undefined,
    set: (key, value) => {
      values.set(key, value);
    },
  };
}
