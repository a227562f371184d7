// kubefed-controller-manager flags (spec §3.2), parsed into plain options. Pure.
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../apis/duration.ts';
import { parseLogFormat, type LogFormat } from '../runtime/logger.ts';

export interface ManagerOptions {
  kubeconfig?: string;
  context?: string;
  kubefedNamespace: string;
  kubefedConfig?: string;
  healthzAddr: string;
  metricsAddr: string;
  restConfigQps: number;
  restConfigBurst: number;
  controllers: string;
  /** Milliseconds: member status changes of one federated object within it make one write. */
  statusCollectionWindowMs: number;
  /** Milliseconds a pod may stay unschedulable before its cluster counts as short of capacity. */
  podUnschedulableThresholdMs: number;
  /** Same-content rewrites of a member object in a row before the sync controller stops; 0 never. */
  maxMemberRewrites: number;
  verbosity: number;
  loggingFormat: LogFormat;
  version: boolean;
  help: boolean;
}

export const managerUsage = `Usage: kubefed-controller-manager [flags]

Runs the KubeFed controllers against a host cluster, behind leader election.

Flags:
  --kubeconfig PATH          kubeconfig of the host cluster (default: in-cluster service account)
  --master URL               accepted for compatibility; the kubeconfig's server is used
  --context NAME             kubeconfig context of the host cluster (default: current context)
  --kubefed-namespace NS     KubeFed system namespace (in cluster: the pod's namespace)
  --kubefed-config PATH      KubeFedConfig YAML to use instead of the one in the cluster
  --healthz-addr ADDR        /healthz address (default :8080)
  --metrics-addr ADDR        Prometheus /metrics address (default :9090)
  --rest-config-qps N        host client requests per second, 0 for no limit (default 1000;
                             KubeFed's was 100)
  --rest-config-burst N      host client burst (default 2000; KubeFed's was 200)
  --controllers LIST         controllers to run: '*' for all, 'name' to add, '-name' to remove
                             (default '*'; known: kubefedcluster, replicaschedulingpreference,
                             federatedtypeconfig)
  --status-collection-window DURATION
                             member status changes of one federated object within this time
                             are collected into one status write (default 1s; 0 for none)
  --pod-unschedulable-threshold DURATION
                             a pod unschedulable this long lowers its cluster's capacity for
                             ReplicaSchedulingPreferences (default 1m0s, KubeFed's)
  --max-member-rewrites N    a member object rewritten N times in a row with the same content,
                             each time after something in the member changed it, is no longer
                             updated until its federated object changes (default 5; 0: never stop)
  -v, --v N                  log verbosity: debug lines up to level N (default 0)
  --logging-format FORMAT    text (default: klog's format, as Kubernetes components and KubeFed
                             write it, messages verbatim) or json (one object per line)
  --version                  print the version and exit
`;

export function parseManagerOptions(argv: string[]): ManagerOptions {
  // klog accepts underscores in flag names; normalise them as KubeFed does. Go's flag package
  // reads `-v=2` as `--v=2` (parseArgs would read `=2` as the value of a short `-v`).
  const args = argv.map((a) =>
    a.startsWith('--')
      ? a.replace(/^(--[^=]*)/, (f) => f.replaceAll('_', '-'))
      : a.replace(/^-v=/, '--v='),
  );
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      master: { type: 'string' },
      context: { type: 'string' },
      'kubefed-namespace': { type: 'string', default: '' },
      'kubefed-config': { type: 'string' },
      'healthz-addr': { type: 'string', default: ':8080' },
      'metrics-addr': { type: 'string', default: ':9090' },
      'rest-config-qps': { type: 'string', default: '1000' },
      'rest-config-burst': { type: 'string', default: '2000' },
      controllers: { type: 'string', default: '*' },
      'status-collection-window': { type: 'string', default: '1s' },
      'pod-unschedulable-threshold': { type: 'string', default: '1m0s' },
      'max-member-rewrites': { type: 'string', default: '5' },
      v: { type: 'string', short: 'v', default: '0' },
      'logging-format': { type: 'string', default: 'text' },
      version: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const options: ManagerOptions = {
    kubefedNamespace: values['kubefed-namespace'],
    healthzAddr: values['healthz-addr'],
    metricsAddr: values['metrics-addr'],
    restConfigQps: nonNegative('--rest-config-qps', values['rest-config-qps']),
    restConfigBurst: nonNegative('--rest-config-burst', values['rest-config-burst']),
    controllers: values.controllers,
    statusCollectionWindowMs: duration(
      '--status-collection-window',
      values['status-collection-window'],
    ),
    podUnschedulableThresholdMs: duration(
      '--pod-unschedulable-threshold',
      values['pod-unschedulable-threshold'],
    ),
    maxMemberRewrites: nonNegativeInteger('--max-member-rewrites', values['max-member-rewrites']),
    verbosity: nonNegative('--v', values.v),
    loggingFormat: parseLogFormat(values['logging-format']),
    version: values.version,
    help: values.help,
  };
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  if (values.context !== undefined) options.context = values.context;
  if (values['kubefed-config'] !== undefined) options.kubefedConfig = values['kubefed-config'];
  return options;
}

function duration(flag: string, text: string): number {
  let ms: number;
  try {
    ms = parseGoDuration(text);
  } catch (error) {
    throw new Error(`${flag} must be a duration such as 500ms or 2s, got "${text}"`, {
      cause: error,
    });
  }
  if (ms < 0) throw new Error(`${flag} must not be negative, got "${text}"`);
  return ms;
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number >= 0, got "${text}"`);
  return n;
}

function nonNegativeInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${flag} must be a whole number >= 0, got "${text}"`);
  }
  return n;
}

/**
 * Which controllers run, from a `--controllers` list: `*` is every controller, `name` adds one,
 * `-name` removes one (`*,-kubefedcluster`). Unknown names are errors, so a typo is not silently
 * a controller that never runs.
 */
export function selectControllers(flag: string, known: readonly string[]): string[] {
  const selected = new Set<string>();
  for (const raw of flag
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const name = raw.startsWith('-') ? raw.slice(1) : raw;
    if (name !== '*' && !known.includes(name)) {
      throw new Error(`--controllers: unknown controller "${name}" (known: ${known.join(', ')})`);
    }
    const names = name === '*' ? known : [name];
    for (const n of names) {
      if (raw.startsWith('-')) selected.delete(n);
      else selected.add(n);
    }
  }
  return known.filter((n) => selected.has(n));
}
