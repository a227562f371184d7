// Fields a member object keeps across updates because the member cluster, not the template, owns
// them (spec §7.6). Applied on the update path only, before overrides, so an override can still
// set any of them.
import { cloneJson, deleteOwn, getOwn, setOwn } from '../../json/json-patch.ts';
import { isJsonObject, type KubeObject, type JsonObject } from '../../json/object.ts';

/**
 * Copies the live member object's cluster-owned fields into `desired`, in place (it must be a
 * private copy; `live` is not modified). Returns an error (a live field of an unexpected type),
 * which maps to `FieldRetentionFailed`.
 */
export function retainInto(
  targetKind: string,
  desired: KubeObject,
  live: KubeObject,
  fed: KubeObject,
): string | undefined {
  const metadata = ensureMap(desired, ['metadata']);
  if (typeof metadata === 'string') return metadata;
  const liveMeta = isJsonObject(live.metadata) ? live.metadata : {};

  // The cached resourceVersion makes the update conditional: a stale cache gets a 409.
  const resourceVersion = getOwn(liveMeta, 'resourceVersion');
  if (typeof resourceVersion === 'string' && resourceVersion !== '') {
    metadata['resourceVersion'] = resourceVersion;
  } else {
    delete metadata['resourceVersion'];
  }
  // Member controllers set these; the template's values are never used.
  copyIfValid(liveMeta, metadata, 'finalizers', isStringList);
  copyIfValid(liveMeta, metadata, 'annotations', isStringMap);

  if (targetKind === 'Service') return retainServiceFields(desired, live);
  if (targetKind === 'ServiceAccount') return retainServiceAccountSecrets(desired, live);
  return retainReplicas(desired, live, fed);
}

// --- internals ---------------------------------------------------------------------------------

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isJsonObject(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** Copies `field` when the live value is well-formed, else removes it (Go's nil setter). */
function copyIfValid(
  from: JsonObject,
  to: JsonObject,
  field: string,
  valid: (value: unknown) => boolean,
): void {
  const value = getOwn(from, field);
  if (valid(value)) setOwn(to, field, cloneJson(value));
  else deleteOwn(to, field);
}

/** A nested field of the live object; `undefined` when absent, an error string on a type clash. */
function nested(obj: KubeObject, path: readonly string[]): { value: unknown } | string {
  let current: unknown = obj;
  for (const [i, field] of path.entries()) {
    if (current === undefined || current === null) return { value: undefined };
    if (!isJsonObject(current)) {
      return `.${path.slice(0, i + 1).join('.')} accessor error: expected an object`;
    }
    current = getOwn(current, field);
  }
  return { value: current };
}

/** The object at `path` in `obj`, created when missing (Go's SetNestedField). */
function ensureMap(obj: JsonObject, path: readonly string[]): JsonObject | string {
  let current = obj;
  for (const [i, field] of path.entries()) {
    const next = getOwn(current, field);
    if (next === undefined || next === null) {
      const created: JsonObject = {};
      setOwn(current, field, created);
      current = created;
    } else if (isJsonObject(next)) {
      current = next;
    } else {
      return `value cannot be set because .${path.slice(0, i + 1).join('.')} is not an object`;
    }
  }
  return current;
}

function setNested(obj: JsonObject, path: readonly string[], value: unknown): string | undefined {
  const parent = ensureMap(obj, path.slice(0, -1));
  if (typeof parent === 'string') return parent;
  setOwn(parent, path[path.length - 1] ?? '', value);
  return undefined;
}

function retainServiceFields(desired: KubeObject, live: KubeObject): string | undefined {
  // Allocated by the member API server and immutable afterwards.
  const healthCheckNodePort = nested(live, ['spec', 'healthCheckNodePort']);
  if (typeof healthCheckNodePort === 'string')
    return `Error retrieving healthCheckNodePort from service: ${healthCheckNodePort}`;
  const port = healthCheckNodePort.value;
  if (port !== undefined && port !== null) {
    if (typeof port !== 'number' || !Number.isInteger(port)) {
      return 'Error retrieving healthCheckNodePort from service: not an integer';
    }
    if (port > 0) {
      const error = setNested(desired, ['spec', 'healthCheckNodePort'], port);
      if (error !== undefined) return `Error setting healthCheckNodePort for service: ${error}`;
    }
  }

  const clusterIP = nested(live, ['spec', 'clusterIP']);
  if (typeof clusterIP === 'string')
    return `Error retrieving clusterIP from cluster service: ${clusterIP}`;
  if (clusterIP.value !== undefined && clusterIP.value !== null) {
    if (typeof clusterIP.value !== 'string') {
      return 'Error retrieving clusterIP from cluster service: not a string';
    }
    if (clusterIP.value !== '') {
      const error = setNested(desired, ['spec', 'clusterIP'], clusterIP.value);
      if (error !== undefined) return `Error setting clusterIP for service: ${error}`;
    }
  }

  const clusterIPs = nested(live, ['spec', 'clusterIPs']);
  if (typeof clusterIPs === 'string')
    return `Error retrieving clusterIPs from cluster service: ${clusterIPs}`;
  if (clusterIPs.value !== undefined && clusterIPs.value !== null) {
    if (!isStringList(clusterIPs.value)) {
      return 'Error retrieving clusterIPs from cluster service: not a list of strings';
    }
    if (clusterIPs.value.length > 0) {
      const error = setNested(desired, ['spec', 'clusterIPs'], [...clusterIPs.value]);
      if (error !== undefined) return `Error setting clusterIPs for service: ${error}`;
    }
  }

  return retainNodePorts(desired, live);
}

/**
 * A desired port takes the live port's nodePort when name, protocol and port are all equal (an
 * absent protocol does not equal `TCP`). Like KubeFed, the desired object ends up with a `ports`
 * list (possibly empty) whenever the live object has one.
 */
function retainNodePorts(desired: KubeObject, live: KubeObject): string | undefined {
  const livePorts = nested(live, ['spec', 'ports']);
  if (typeof livePorts === 'string')
    return `Error retrieving ports from cluster service: ${livePorts}`;
  if (livePorts.value === undefined || livePorts.value === null) return undefined;
  if (!Array.isArray(livePorts.value))
    return 'Error retrieving ports from cluster service: not a list';
  const desiredPorts = nested(desired, ['spec', 'ports']);
  if (typeof desiredPorts === 'string')
    return `Error retrieving ports from service: ${desiredPorts}`;
  const wanted = desiredPorts.value ?? [];
  if (!Array.isArray(wanted)) return 'Error retrieving ports from service: not a list';
  for (const desiredPort of wanted) {
    for (const livePort of livePorts.value) {
      if (!isJsonObject(desiredPort) || !isJsonObject(livePort)) {
        return 'Error retaining nodePorts: a service port is not an object';
      }
      const same = (['name', 'protocol', 'port'] as const).every(
        (field) => getOwn(desiredPort, field) === getOwn(livePort, field),
      );
      if (same && Object.hasOwn(livePort, 'nodePort')) {
        desiredPort['nodePort'] = cloneJson(livePort['nodePort']);
      }
    }
  }
  const error = setNested(desired, ['spec', 'ports'], wanted);
  return error === undefined ? undefined : `Error setting ports for service: ${error}`;
}

/**
 * Keeps the token secrets the member's service-account controller generated, unless the template
 * lists its own; clearing them would make that controller generate new ones forever.
 */
function retainServiceAccountSecrets(desired: KubeObject, live: KubeObject): string | undefined {
  const wanted = getOwn(desired, 'secrets');
  if (wanted !== undefined && wanted !== null) {
    if (!Array.isArray(wanted))
      return 'Error retrieving secrets from desired service account: not a list';
    if (wanted.length > 0) return undefined;
  }
  const secrets = getOwn(live, 'secrets');
  if (secrets === undefined || secrets === null) return undefined;
  if (!Array.isArray(secrets)) return 'Error retrieving secrets from service account: not a list';
  if (secrets.length > 0) setOwn(desired, 'secrets', cloneJson(secrets));
  return undefined;
}

/** With `spec.retainReplicas: true`, an in-cluster HPA owns the replica count. */
function retainReplicas(
  desired: KubeObject,
  live: KubeObject,
  fed: KubeObject,
): string | undefined {
  const flag = nested(fed, ['spec', 'retainReplicas']);
  if (typeof flag === 'string') return flag;
  if (flag.value === undefined || flag.value === null) return undefined;
  if (typeof flag.value !== 'boolean') return '.spec.retainReplicas accessor error: not a boolean';
  if (!flag.value) return undefined;
  const replicas = nested(live, ['spec', 'replicas']);
  if (typeof replicas === 'string') return replicas;
  if (replicas.value === undefined || replicas.value === null) return undefined;
  if (typeof replicas.value !== 'number' || !Number.isInteger(replicas.value)) {
    return '.spec.replicas accessor error: not an integer';
  }
  return setNested(desired, ['spec', 'replicas'], replicas.value);
}
