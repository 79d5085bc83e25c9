/** A promise's state, readable synchronously between fake-timer steps. */
export type Tracked<T> =
  | { readonly state: 'pending' }
  | { readonly state: 'resolved'; readonly value: T }
  | { readonly state: 'rejected'; readonly error: unknown };

export function track<T>(promise: Promise<T>): { readonly current: Tracked<T> } {
  const tracker: { current: Tracked<T> } = { current: { state: 'pending' } };
  promise.then(
    value => {
      tracker.current = { state: 'resolved', value };
    },
    (error: unknown) => {
      tracker.current = { state: 'rejected', error };
    },
  );
  return tracker;
}
