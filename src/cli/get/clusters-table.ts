// How `kubefedctl get clusters` prints KubeFedClusters: a kubectl-like table, or the objects as
// YAML/JSON. Pure: the caller passes the objects and the current time.
import { stringify } from 'yaml';
import { ClusterConditionType, ConditionStatus } from '../../apis/constants.ts';
import { kubeFedClustersResource } from '../../apis/resources.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

const CLUSTER_COLUMNS = [
  'NAME',
  'READY',
  'OFFLINE',
  'KUBERNETES-VERSION',
  'API-ENDPOINT',
  'AGE',
] as const;

export interface ClusterRow {
  name: string;
  ready: string;
  offline: string;
  kubernetesVersion: string;
  apiEndpoint: string;
  age: string;
}

const NONE = '<none>';

export function clusterRow(cluster: KubeObject, now: Date): ClusterRow {
  const spec = isJsonObject(cluster['spec']) ? cluster['spec'] : {};
  const status = isJsonObject(cluster['status']) ? cluster['status'] : {};
  const ready = conditionStatus(status, ClusterConditionType.Ready);
  const offline = conditionStatus(status, ClusterConditionType.Offline);
  const version = status['kubernetesVersion'];
  const endpoint = spec['apiEndpoint'];
  return {
    name: cluster.metadata?.name ?? '',
    // No Ready condition: the health checker has not probed yet, or could not (Offline /
    // ConfigMalformed); either way the cluster is not known to be ready.
    ready: ready ?? ConditionStatus.Unknown,
    // The checker writes Offline only when a probe fails or /healthz is not ok; a Ready
    // condition alone means /healthz answered, so the cluster is reachable.
    offline: offline ?? (ready !== undefined ? ConditionStatus.False : ConditionStatus.Unknown),
    kubernetesVersion: typeof version === 'string' && version !== '' ? version : NONE,
    apiEndpoint: typeof endpoint === 'string' && endpoint !== '' ? endpoint : NONE,
    age: age(cluster.metadata?.creationTimestamp, now),
  };
}

function conditionStatus(status: Record<string, unknown>, type: string): string | undefined {
  const conditions = status['conditions'];
  if (!Array.isArray(conditions)) return undefined;
  const found: unknown = conditions.find((c) => isJsonObject(c) && c['type'] === type);
  if (!isJsonObject(found)) return undefined;
  return typeof found['status'] === 'string' ? found['status'] : undefined;
}

/** The table, rows sorted by name, as kubectl prints it. */
export function renderClusterTable(clusters: readonly KubeObject[], now: Date): string {
  const rows = clusters
    .map((c) => clusterRow(c, now))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((r) => [r.name, r.ready, r.offline, r.kubernetesVersion, r.apiEndpoint, r.age]);
  return formatTable([...CLUSTER_COLUMNS], rows);
}

/**
 * Columns left-aligned and separated by three spaces, like kubectl's tabwriter (minimum width
 * 0, padding 3); the last column is not padded.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
        .join(''),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** kubectl's AGE: `<unknown>` without a timestamp, else the human duration since then. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const created = Date.parse(timestamp);
  if (Number.isNaN(created)) return '<unknown>';
  return humanDuration(now.getTime() - created);
}

/**
 * apimachinery's `duration.HumanDuration`: `45s`, `2m30s` (under 10 minutes), `15m`, `3h20m`
 * (under 8 hours), `20h`, `3d4h` (under 8 days), `30d`, `2y10d` (under 8 years), `9y`. Up to 2 s
 * in the future counts as now (clock skew); further is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

export type ClusterOutputFormat = 'table' | 'yaml' | 'json' | 'name';

export const CLUSTER_OUTPUT_FORMATS: readonly ClusterOutputFormat[] = ['yaml', 'json', 'name'];

/** kubectl hides managedFields unless asked; so do we. */
function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const metadata = { ...obj.metadata };
  delete metadata['managedFields'];
  return { ...obj, metadata };
}

/**
 * One object (a `get` by name) is printed as itself; otherwise a `v1 List`, as kubectl does.
 * `name` prints `kubefedcluster.core.kubefed.io/<name>` lines.
 */
export function renderClusters(
  clusters: readonly KubeObject[],
  format: Exclude<ClusterOutputFormat, 'table'>,
  single: boolean,
): string {
  const prefix = `${kubeFedClustersResource.kind.toLowerCase()}.${kubeFedClustersResource.group}`;
  return renderAsKubectl(clusters, format, single, prefix);
}

/**
 * kubectl's `-o yaml|json|name` for any objects: one object (a `get` by name) as itself, else a
 * `v1 List`; `name` prints `<typePrefix>/<name>` lines (`federatedconfigmap.types.kubefed.io`).
 */
export function renderAsKubectl(
  objects: readonly KubeObject[],
  format: Exclude<ClusterOutputFormat, 'table'>,
  single: boolean,
  typePrefix: string,
): string {
  if (format === 'name') {
    return objects.map((c) => `${typePrefix}/${c.metadata?.name ?? ''}\n`).join('');
  }
  const items = objects.map(withoutManagedFields);
  const doc: unknown =
    single && items.length === 1
      ? items[0]
      : { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
  if (format === 'json') return `${JSON.stringify(doc, null, 4)}\n`;
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
