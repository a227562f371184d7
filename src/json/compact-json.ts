// Compact copies of JSON values for long-lived caches (informer stores, recorded versions): equal
// strings shared, objects kept in V8's fast-properties form.

/**
 * V8's canonical copy of `s`: a computed property key is internalized (looked up in, or added
 * to, V8's string table), and `Object.keys` hands back that very key. The table holds its
 * strings weakly, so this shares equal strings without keeping any of them alive.
 */
export function internString(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/**
 * A copy of a JSON value in which equal strings are one string. Caches hold many copies of the
 * same text: the template data of a federated object and its copy in every member, apiVersion,
 * kind, namespace, label and annotation keys and values, cluster names, owner uids, and the
 * store keys. JSON.parse allocates each one anew (it only shares very short strings), so without
 * this a cached ConfigMap of 1 KiB costs 1 KiB per cache it is in. The copy is built property by
 * property, which also keeps every object in V8's compact (fast-properties) form.
 */
export function compactJson<T>(value: T): T {
  if (typeof value === 'string') return internString(value) as T;
  if (Array.isArray(value)) return value.map(compactJson) as T;
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines properties (a `__proto__` key stays data), as JSON.parse does.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, compactJson(item)]),
  ) as T;
}
