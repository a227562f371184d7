// Discovery: what a cluster serves, so callers can go from an object (apiVersion + kind) to the
// resource that addresses it. Results are cached per client; a miss refetches its group-version
// once, because CRDs come and go.
import { isNotFound } from './errors.ts';
import { groupVersionPath, parseApiVersion } from './resource.ts';
import type { GroupVersion, ResourceRef } from './resource.ts';
import { isJsonObject, type KubeObject } from '../json/object.ts';

/** The part of a client discovery needs (KubeClient satisfies it). */
export interface DiscoveryTransport {
  readonly cluster: string;
  request(method: string, path: string): Promise<unknown>;
}

/** One entry of an APIResourceList, addressed by its group-version. */
export interface ApiResource extends ResourceRef {
  kind: string;
  singularName: string;
  shortNames: string[];
  verbs: string[];
  /** Subresources served for it (`status`, `scale`, ...). */
  subresources: string[];
}

export interface ApiGroup {
  /** `''` for the core group. */
  name: string;
  versions: string[];
  preferredVersion: string;
}

/** GET /version. */
export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  [key: string]: unknown;
}

export class UnknownKindError extends Error {
  override readonly name = 'UnknownKindError';
  readonly cluster: string;
  readonly apiVersion: string;
  readonly kind: string;

  constructor(cluster: string, apiVersion: string, kind: string, detail: string) {
    super(`${cluster}: ${detail}`);
    this.cluster = cluster;
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

interface CachedResources {
  resources: ApiResource[] | undefined;
  fetchedAt: number;
}

export class Discovery {
  readonly #transport: DiscoveryTransport;
  readonly #now: () => number;
  readonly #minRefetchMs: number;
  readonly #resources = new Map<string, Promise<CachedResources>>();
  #groups: Promise<ApiGroup[]> | undefined;

  constructor(
    transport: DiscoveryTransport,
    options: { now?: () => number; minRefetchMs?: number } = {},
  ) {
    this.#transport = transport;
    this.#now = options.now ?? Date.now;
    this.#minRefetchMs = options.minRefetchMs ?? 1_000;
  }

  async serverVersion(): Promise<ServerVersion> {
    const body = await this.#transport.request('GET', '/version');
    if (!isJsonObject(body) || typeof body['gitVersion'] !== 'string') {
      throw new Error(`${this.#transport.cluster}: /version did not return version information`);
    }
    return body as ServerVersion;
  }

  /** All API groups, the core group first (GET /api and /apis). */
  async groups(): Promise<ApiGroup[]> {
    this.#groups ??= this.#fetchGroups().catch((err: unknown) => {
      this.#groups = undefined;
      throw err;
    });
    return this.#groups;
  }

  /** Resources of one group-version, or undefined when the server does not serve it. */
  async resources(groupVersion: GroupVersion): Promise<ApiResource[] | undefined> {
    return (await this.#cachedResources(groupVersion, false)).resources;
  }

  /** The resource serving `kind` in `apiVersion` (e.g. `apps/v1`, `Deployment`). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    const gv = parseApiVersion(apiVersion);
    let cached = await this.#cachedResources(gv, false);
    let found = cached.resources?.find((r) => r.kind === kind);
    if (!found && this.#now() - cached.fetchedAt >= this.#minRefetchMs) {
      cached = await this.#cachedResources(gv, true);
      found = cached.resources?.find((r) => r.kind === kind);
    }
    if (found) return found;
    const cluster = this.#transport.cluster;
    if (cached.resources === undefined) {
      throw new UnknownKindError(
        cluster,
        apiVersion,
        kind,
        `apiVersion "${apiVersion}" is not served`,
      );
    }
    throw new UnknownKindError(
      cluster,
      apiVersion,
      kind,
      `kind "${kind}" is not served in apiVersion "${apiVersion}"`,
    );
  }

  /** The resource of an object, from its apiVersion and kind. */
  async resourceForObject(obj: KubeObject): Promise<ApiResource> {
    if (!obj.apiVersion || !obj.kind) {
      throw new Error(`${this.#transport.cluster}: object has no apiVersion or kind`);
    }
    return this.resourceFor(obj.apiVersion, obj.kind);
  }

  /** Forget everything (after installing or removing CRDs). */
  invalidate(): void {
    this.#resources.clear();
    this.#groups = undefined;
  }

  async #cachedResources(gv: GroupVersion, refresh: boolean): Promise<CachedResources> {
    const key = groupVersionPath(gv);
    let entry = this.#resources.get(key);
    if (!entry || refresh) {
      entry = this.#fetchResources(gv);
      this.#resources.set(key, entry);
      // Do not cache failures: the next call tries again.
      entry.catch(() => {
        if (this.#resources.get(key) === entry) this.#resources.delete(key);
      });
    }
    return entry;
  }

  async #fetchResources(gv: GroupVersion): Promise<CachedResources> {
    const fetchedAt = this.#now();
    let body: unknown;
    try {
      body = await this.#transport.request('GET', groupVersionPath(gv));
    } catch (err) {
      if (isNotFound(err)) return { resources: undefined, fetchedAt };
      throw err;
    }
    return { resources: parseResourceList(body, gv), fetchedAt };
  }

  async #fetchGroups(): Promise<ApiGroup[]> {
    const [core, named] = await Promise.all([
      this.#transport.request('GET', '/api'),
      this.#transport.request('GET', '/apis'),
    ]);
    const groups: ApiGroup[] = [];
    if (isJsonObject(core) && Array.isArray(core['versions'])) {
      const versions = core['versions'].filter((v): v is string => typeof v === 'string');
      groups.push({ name: '', versions, preferredVersion: versions[0] ?? 'v1' });
    }
    const list = isJsonObject(named) && Array.isArray(named['groups']) ? named['groups'] : [];
    for (const group of list) {
      if (!isJsonObject(group) || typeof group['name'] !== 'string') continue;
      const versions = (Array.isArray(group['versions']) ? group['versions'] : [])
        .map((v) =>
          isJsonObject(v) && typeof v['version'] === 'string' ? v['version'] : undefined,
        )
        .filter((v) => v !== undefined);
      const preferred = isJsonObject(group['preferredVersion'])
        ? group['preferredVersion']['version']
        : undefined;
      groups.push({
        name: group['name'],
        versions,
        preferredVersion: typeof preferred === 'string' ? preferred : (versions[0] ?? ''),
      });
    }
    return groups;
  }
}

/** An APIResourceList body → resources (subresources folded into their parent). */
function parseResourceList(body: unknown, gv: GroupVersion): ApiResource[] {
  const list = isJsonObject(body) && Array.isArray(body['resources']) ? body['resources'] : [];
  const resources = new Map<string, ApiResource>();
  const subresources: [string, string][] = [];
  for (const item of list) {
    if (!isJsonObject(item) || typeof item['name'] !== 'string') continue;
    const [resource = '', subresource] = item['name'].split('/');
    if (subresource !== undefined) {
      subresources.push([resource, subresource]);
      continue;
    }
    resources.set(resource, {
      group: gv.group,
      version: gv.version,
      resource,
      namespaced: item['namespaced'] === true,
      kind: typeof item['kind'] === 'string' ? item['kind'] : '',
      singularName: typeof item['singularName'] === 'string' ? item['singularName'] : '',
      shortNames: stringList(item['shortNames']),
      verbs: stringList(item['verbs']),
      subresources: [],
    });
  }
  for (const [resource, subresource] of subresources) {
    resources.get(resource)?.subresources.push(subresource);
  }
  return [...resources.values()];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
