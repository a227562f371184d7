// Finding the API type a user names on the command line (spec §13.1), as KubeFed's
// `LookupAPIResource`: a plural, singular, lower-case kind, `<plural>.<group>` or short name, over
// the server's preferred resources, optionally in one API version. Every command that takes a
// type name looks it up here.
import { ResourceScope, groupQualifiedName } from '../apis/constants.ts';
import type { TargetAPIResource } from '../federation/api-generation/type-config.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ApiGroup, ApiResource } from '../kube/discovery.ts';
import { formatApiVersion } from '../kube/resource.ts';
import { errorMessage } from '../kube/errors.ts';

/** What discovery returned for one group-version, or why it could not. */
export type GroupVersionResources =
  | { group: string; version: string; resources: readonly ApiResource[] }
  | { group: string; version: string; error: string };

/**
 * The resources a name is matched against. Without a version: each resource of each group once,
 * in the group's preferred version if it serves it there, else in the first version listing it
 * (client-go's ServerPreferredResources). With a version: the resources served in that version.
 * Core group first, then groups and resources in the server's order.
 */
export function candidateResources(
  groups: readonly ApiGroup[],
  lists: readonly GroupVersionResources[],
  version?: string,
): TargetAPIResource[] {
  const candidates: TargetAPIResource[] = [];
  for (const group of groups) {
    const chosen = new Map<string, ApiResource>();
    const versions =
      version === undefined
        ? [group.preferredVersion, ...group.versions.filter((v) => v !== group.preferredVersion)]
        : group.versions.filter((v) => v === version);
    for (const v of versions) {
      const list = lists.find((l) => l.group === group.name && l.version === v);
      if (!list || !('resources' in list)) continue;
      for (const resource of list.resources) {
        if (!chosen.has(resource.resource)) chosen.set(resource.resource, resource);
      }
    }
    candidates.push(...[...chosen.values()].map(toTarget));
  }
  return candidates;
}

/** Case-insensitive match against plural, singular, kind, `<plural>.<group>` or a short name. */
export function nameMatchesResource(name: string, resource: TargetAPIResource): boolean {
  const lower = name.toLowerCase();
  return (
    lower === resource.pluralName ||
    lower === resource.singularName ||
    lower === resource.kind.toLowerCase() ||
    lower === `${resource.pluralName}.${resource.group}` ||
    resource.shortNames.some((shortName) => shortName.toLowerCase() === lower)
  );
}

/** The lookup failed: the message is the one KubeFed prints. */
class APILookupError extends Error {
  override readonly name = 'APILookupError';
}

/**
 * The one candidate `name` designates. A match in the core group wins at once (`events` is the
 * core Event, not events.k8s.io's); more than one other match is ambiguous.
 */
export function matchAPIResource(
  name: string,
  candidates: readonly TargetAPIResource[],
  discoveryFailures: readonly string[] = [],
): TargetAPIResource {
  const matches: TargetAPIResource[] = [];
  for (const candidate of candidates) {
    if (!nameMatchesResource(name, candidate)) continue;
    if (candidate.group === '') return candidate;
    matches.push(candidate);
  }
  const [first, ...others] = matches;
  if (first !== undefined && others.length === 0) return first;
  if (first !== undefined) {
    throw new APILookupError(
      `Multiple resources are matched by "${name}": ${matches.map(groupQualifiedName).join(', ')}. ` +
        'A group-qualified plural name must be provided.',
    );
  }
  let message = `Unable to find api resource named "${name}".`;
  if (discoveryFailures.length > 0) {
    message += ` (Discovery failed for ${discoveryFailures.join('; ')}.)`;
  }
  throw new APILookupError(message);
}

/**
 * The server's API groups and the resources of each group-version (`version` restricts them to
 * one API version; `keep` filters resources). A group-version whose discovery fails is returned
 * with its error: a broken aggregated API (metrics-server down) must not hide every other type.
 */
export async function discoverResources(
  client: KubeClient,
  options: { version?: string | undefined; keep?: (resource: ApiResource) => boolean } = {},
): Promise<{ groups: ApiGroup[]; lists: GroupVersionResources[] }> {
  const { version, keep } = options;
  const groups = await client.discovery.groups();
  const wanted = groups.flatMap((group) =>
    group.versions
      .filter((v) => version === undefined || v === version)
      .map((v) => ({ group: group.name, version: v })),
  );
  const lists = await Promise.all(
    wanted.map(async (gv): Promise<GroupVersionResources> => {
      try {
        const resources = (await client.discovery.resources(gv)) ?? [];
        return { ...gv, resources: keep ? resources.filter(keep) : resources };
      } catch (err) {
        return { ...gv, error: errorMessage(err) };
      }
    }),
  );
  return { groups, lists };
}

/** Looks `name` up in the server's discovery; `version` restricts it to one API version. */
export async function lookupAPIResource(
  client: KubeClient,
  name: string,
  version?: string,
): Promise<TargetAPIResource> {
  const { groups, lists } = await discoverResources(client, { version });
  const failures = lists.flatMap((list) =>
    'error' in list ? [`${formatApiVersion(list)}: ${list.error}`] : [],
  );
  return matchAPIResource(name, candidateResources(groups, lists, version), failures);
}

function toTarget(resource: ApiResource): TargetAPIResource {
  return {
    group: resource.group,
    version: resource.version,
    kind: resource.kind,
    pluralName: resource.resource,
    singularName: resource.singularName || resource.kind.toLowerCase(),
    scope: resource.namespaced ? ResourceScope.Namespaced : ResourceScope.Cluster,
    shortNames: resource.shortNames,
  };
}
