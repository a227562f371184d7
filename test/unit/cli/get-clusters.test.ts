import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/command.ts';
import {
  age,
  clusterRow,
  formatTable,
  humanDuration,
  renderClusterTable,
  renderClusters,
} from '../../../src/cli/get/clusters-table.ts';

const now = new Date('2026-01-10T12:00:00Z');
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

function cluster(
  name: string,
  options: {
    created?: string;
    conditions?: { type: string; status: string }[];
    version?: string;
    endpoint?: string;
  } = {},
) {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: {
      name,
      namespace: 'kube-federation-system',
      ...(options.created !== undefined ? { creationTimestamp: options.created } : {}),
      managedFields: [{ manager: 'kubefedctl' }],
    },
    spec: {
      apiEndpoint: options.endpoint ?? `https://${name}:6443`,
      secretRef: { name: `${name}-x` },
    },
    ...(options.conditions
      ? {
          status: {
            conditions: options.conditions.map((c) => ({
              ...c,
              lastProbeTime: '2026-01-10T11:59:59Z',
            })),
            ...(options.version ? { kubernetesVersion: options.version } : {}),
          },
        }
      : {}),
  };
}

describe('kubectl-style ages', () => {
  it('matches apimachinery HumanDuration at every boundary', () => {
    const cases: [number, string][] = [
      [-3 * second, '<invalid>'],
      [-2 * second, '<invalid>'],
      [-1 * second, '0s'],
      [-500, '0s'],
      [0, '0s'],
      [5 * second, '5s'],
      [119 * second, '119s'],
      [2 * minute, '2m'],
      [2 * minute + 30 * second, '2m30s'],
      [9 * minute + 59 * second, '9m59s'],
      [10 * minute + 30 * second, '10m'],
      [3 * hour - 1 * second, '179m'],
      [3 * hour, '3h'],
      [3 * hour + 20 * minute, '3h20m'],
      [7 * hour + 59 * minute, '7h59m'],
      [8 * hour + 30 * minute, '8h'],
      [47 * hour, '47h'],
      [2 * day, '2d'],
      [4 * day + 5 * hour, '4d5h'],
      [8 * day - 1 * hour, '7d23h'],
      [8 * day + 5 * hour, '8d'],
      [729 * day, '729d'],
      [730 * day, '2y'],
      [730 * day + 10 * day, '2y10d'],
      [8 * 365 * day - day, '7y364d'],
      [8 * 365 * day, '8y'],
      [20 * 365 * day, '20y'],
    ];
    for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms} ms`);
  });

  it('measures from creationTimestamp, <unknown> without one', () => {
    assert.equal(age('2026-01-10T11:59:55Z', now), '5s');
    assert.equal(age('2026-01-10T09:00:00Z', now), '3h');
    assert.equal(age('2026-01-06T12:00:00Z', now), '4d');
    assert.equal(age(undefined, now), '<unknown>');
    assert.equal(age('yesterday', now), '<unknown>');
  });
});

describe('cluster rows', () => {
  it('shows a ready cluster as reachable, with its version', () => {
    const row = clusterRow(
      cluster('member1', {
        created: '2026-01-10T11:57:00Z',
        conditions: [{ type: 'Ready', status: 'True' }],
        version: 'v1.37.2',
      }),
      now,
    );
    assert.deepEqual(row, {
      name: 'member1',
      ready: 'True',
      offline: 'False',
      kubernetesVersion: 'v1.37.2',
      apiEndpoint: 'https://member1:6443',
      age: '3m',
    });
  });

  it('shows an unreachable cluster as offline and not known to be ready', () => {
    const row = clusterRow(
      cluster('m', { conditions: [{ type: 'Offline', status: 'True' }] }),
      now,
    );
    assert.equal(row.ready, 'Unknown');
    assert.equal(row.offline, 'True');
    assert.equal(row.kubernetesVersion, '<none>');
  });

  it('shows a reachable but unhealthy cluster as not ready and not offline', () => {
    const row = clusterRow(
      cluster('m', {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Offline', status: 'False' },
        ],
      }),
      now,
    );
    assert.equal(row.ready, 'False');
    assert.equal(row.offline, 'False');
  });

  it('shows a cluster never probed as Unknown', () => {
    const row = clusterRow({ metadata: { name: 'new' }, spec: {} }, now);
    assert.deepEqual(row, {
      name: 'new',
      ready: 'Unknown',
      offline: 'Unknown',
      kubernetesVersion: '<none>',
      apiEndpoint: '<none>',
      age: '<unknown>',
    });
  });
});

describe('cluster table', () => {
  it('aligns columns with three spaces, like kubectl', () => {
    assert.equal(
      formatTable(
        ['NAME', 'AGE'],
        [
          ['a', '5s'],
          ['longer-name', '3m'],
        ],
      ),
      'NAME          AGE\na             5s\nlonger-name   3m\n',
    );
    assert.equal(formatTable(['NAME'], []), 'NAME\n');
  });

  it('prints the clusters sorted by name', () => {
    const table = renderClusterTable(
      [
        cluster('member2', {
          created: '2026-01-08T12:00:00Z',
          conditions: [{ type: 'Offline', status: 'True' }],
          endpoint: 'https://10.0.0.2:6443',
        }),
        cluster('host', {
          created: '2026-01-10T11:59:30Z',
          conditions: [{ type: 'Ready', status: 'True' }],
          version: 'v1.37.2',
          endpoint: 'https://10.0.0.1:6443',
        }),
      ],
      now,
    );
    assert.equal(
      table,
      [
        'NAME      READY     OFFLINE   KUBERNETES-VERSION   API-ENDPOINT            AGE',
        'host      True      False     v1.37.2              https://10.0.0.1:6443   30s',
        'member2   Unknown   True      <none>               https://10.0.0.2:6443   2d',
        '',
      ].join('\n'),
    );
  });
});

describe('cluster output formats', () => {
  const clusters = [cluster('host'), cluster('member1')];

  it('prints a v1 List as yaml or json, without managedFields', () => {
    const yamlDoc = parse(renderClusters(clusters, 'yaml', false)) as Record<string, unknown>;
    assert.equal(yamlDoc['kind'], 'List');
    assert.equal(yamlDoc['apiVersion'], 'v1');
    const items = yamlDoc['items'] as { metadata: Record<string, unknown> }[];
    assert.deepEqual(
      items.map((i) => i.metadata['name']),
      ['host', 'member1'],
    );
    assert.ok(items.every((i) => !('managedFields' in i.metadata)));
    const json = renderClusters(clusters, 'json', false);
    assert.match(json, /^\{\n {4}"apiVersion": "v1",/);
    assert.deepEqual(JSON.parse(json), yamlDoc);
  });

  it('prints one object by itself when asked for by name', () => {
    const doc = parse(renderClusters([cluster('member1')], 'yaml', true)) as Record<
      string,
      unknown
    >;
    assert.equal(doc['kind'], 'KubeFedCluster');
    assert.deepEqual(doc['metadata'], { name: 'member1', namespace: 'kube-federation-system' });
  });

  it('prints names as resource/name', () => {
    assert.equal(
      renderClusters(clusters, 'name', false),
      'kubefedcluster.core.kubefed.io/host\nkubefedcluster.core.kubefed.io/member1\n',
    );
  });
});

describe('kubefedctl get', () => {
  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: {},
    };
    return { code: await runCli(argv, io), stdout, stderr };
  }

  it('takes any other TYPE as a federated type, checking flags before contacting the host', async () => {
    const all = await run(['get', 'configmaps', 'web', '-A']);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /--all-namespaces lists objects; it cannot be combined with a NAME/);
    const output = await run(['get', 'fcm', '-o', 'wide']);
    assert.equal(output.code, 1);
    assert.match(output.stderr, /invalid --output "wide": use yaml, json, name/);
  });

  it('checks -o before contacting the host', async () => {
    const { code, stderr } = await run(['get', 'clusters', '-o', 'wide']);
    assert.equal(code, 1);
    assert.match(stderr, /invalid --output "wide": use yaml, json, name/);
  });

  it('takes no --dry-run', async () => {
    const { code, stderr } = await run(['get', 'clusters', '--dry-run']);
    assert.equal(code, 1);
    assert.match(stderr, /unknown flag: --dry-run/);
  });
});
