// The Helm chart (charts/kubefed) against a sandbox's host: lint, server-side dry-runs of what it
// renders in both scopes, a real `helm install`, the controller manager run "in cluster" with only
// the chart's RBAC and its ServiceAccount's own tokens (rotated on the way), a missing rule named
// in the manager's log, and the documented uninstall leaving host and members clean.
//
// This file starts a sandbox of its own (host + 2 members): the documented uninstall deletes the
// KubeFed CRDs, which are cluster-wide, so on the shared sandbox it would take every other test
// file's KubeFed with it (and external-dns, which exits when its DNSEndpoint CRD goes).
//
// The sandbox's pods are simulated (kwok), so nothing in them can answer the API server: the
// chart is installed with `controllermanager.webhook.url` pointing at a loopback endpoint that
// allows everything and records what the API server sent where, which checks the registration
// (paths, rules, CA bundle); the Deployment/Service form is checked by the server-side dry-run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ensureGoCommand } from '../../src/sandbox/binaries.ts';
import { down, up } from '../../src/sandbox/sandbox.ts';
import type { KubeObject } from '../../src/json/object.ts';
import { startAdmissionRecorder, type AdmissionRecorder } from './admission-recorder.ts';
import {
  eventually,
  getJson,
  kubectl,
  repoRoot,
  runCli,
  sandboxAt,
  waitForNamespaceGone,
  type TestSandbox,
} from './fixture.ts';
import { joinedAccount, joinedRole } from './joined-account.ts';
import { managerLauncher, startManager, type RunningManager } from './manager.ts';

const execFileAsync = promisify(execFile);
const sandboxDir = mkdtempSync(join(tmpdir(), 'chart-test-sandbox-'));
let sandbox: TestSandbox;
let members: string[] = [];
const ns = 'kubefed-chart';
const release = 'kubefed';
const app = 'chart-app';
const chart = `${repoRoot}charts/kubefed`;
const helmHome = mkdtempSync(join(tmpdir(), 'chart-test-helm-'));
let helmPath = '';
let recorder: AdmissionRecorder;

async function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      helmPath,
      [...args, '--kubeconfig', sandbox.kubeconfig, '--kube-context', 'host'],
      {
        maxBuffer: 64 << 20,
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(helmHome, 'cache'),
          HELM_CONFIG_HOME: join(helmHome, 'config'),
          HELM_DATA_HOME: join(helmHome, 'data'),
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

async function helmOk(args: string[]): Promise<string> {
  const result = await helm(args);
  assert.equal(result.code, 0, `helm ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The values that register the webhooks at the loopback recorder. */
const webhookByUrl = (): string[] => [
  '--set',
  `controllermanager.webhook.url=${recorder.url}`,
  '--set',
  `controllermanager.webhook.caBundle=${recorder.caBundle}`,
];

/** Short timings through the chart's values, so that the in-cluster manager reacts quickly. */
const fastTimings = [
  'clusterAvailableDelay=1s',
  'clusterUnavailableDelay=1s',
  'clusterHealthCheckPeriod=1s',
  'clusterHealthCheckTimeout=1s',
  'leaderElectLeaseDuration=3s',
  'leaderElectRenewDeadline=2s',
  'leaderElectRetryPeriod=500ms',
].flatMap((value) => ['--set', `controllermanager.${value}`]);

async function kubefedCRDNames(): Promise<string[]> {
  const out = await kubectl(sandbox, ['--context', 'host', 'get', 'crd', '-o', 'name']);
  return out
    .split('\n')
    .filter((line) => line.endsWith('.kubefed.io'))
    .map((line) => line.replace(/^.*\//, ''));
}

async function namesOf(context: string, args: string[]): Promise<string[]> {
  const out = await kubectl(sandbox, ['--context', context, 'get', ...args, '-o', 'name']);
  return out.split('\n').filter((line) => line !== '');
}

/** A ServiceAccount token bound to Secret `secret`: deleting the Secret revokes the token. */
async function boundToken(secret: string): Promise<string> {
  await kubectl(sandbox, ['--context', 'host', '-n', ns, 'create', 'secret', 'generic', secret]);
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    ns,
    'create',
    'token',
    'kubefed-controller',
    '--bound-object-kind',
    'Secret',
    '--bound-object-name',
    secret,
    '--duration',
    '1h',
  ]);
  return out.trim();
}

/** The host's API server address and CA, as a pod sees them (env and ca.crt). */
async function hostEndpoint(): Promise<{ host: string; port: string; ca: string }> {
  const config = JSON.parse(
    await kubectl(sandbox, ['config', 'view', '--raw', '--flatten', '-o', 'json']),
  ) as {
    contexts: { name: string; context: { cluster: string } }[];
    clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  };
  const clusterName = config.contexts.find((c) => c.name === 'host')?.context.cluster;
  const cluster = config.clusters.find((c) => c.name === clusterName)?.cluster;
  assert.ok(cluster, 'the sandbox kubeconfig has no host cluster');
  const url = new URL(cluster.server);
  return {
    host: url.hostname,
    port: url.port,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
  };
}

/**
 * Starts the manager as a pod would run it: KUBERNETES_SERVICE_HOST/PORT in its environment and
 * the service account files at /var/run/secrets/kubernetes.io/serviceaccount. A private mount
 * namespace (`unshare --mount`) binds a temporary directory onto /run (/var/run links to it) for
 * the child only, so the machine's own /run is untouched. Returns the directory: writing its
 * secrets/kubernetes.io/serviceaccount/token rotates the token under the running manager.
 */
async function startInClusterManager(
  token: string,
): Promise<{ manager: RunningManager; tokenFile: string }> {
  const { host, port, ca } = await hostEndpoint();
  const run = mkdtempSync(join(tmpdir(), 'chart-test-run-'));
  const accountDir = join(run, 'secrets/kubernetes.io/serviceaccount');
  await execFileAsync('mkdir', ['-p', accountDir]);
  writeFileSync(join(accountDir, 'token'), token);
  writeFileSync(join(accountDir, 'ca.crt'), ca);
  writeFileSync(join(accountDir, 'namespace'), ns);
  const manager = await startManager(sandbox, [], {
    command: [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" /run && exec "$@"',
      run,
      process.execPath,
      managerLauncher,
    ],
    env: { ...process.env, KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port },
    hostFlags: [],
  });
  return { manager, tokenFile: join(accountDir, 'token') };
}

async function federatedConfigMap(data: Record<string, string>): Promise<void> {
  await kubectl(
    sandbox,
    ['--context', 'host', 'apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'settings', namespace: app },
      spec: { template: { data }, placement: { clusterSelector: {} } },
    }),
  );
}

async function waitForMemberData(value: string): Promise<void> {
  for (const member of members) {
    await eventually(async () => {
      const cm = await getJson(sandbox, member, ['configmap', 'settings', '-n', app]);
      return (cm?.['data'] as Record<string, string> | undefined)?.['value'] === value
        ? true
        : undefined;
    }, 60_000);
  }
}

describe('Helm chart charts/kubefed', () => {
  let manager: RunningManager | undefined;

  before(async () => {
    helmPath = `${await ensureGoCommand('helm')}/helm`;
    await up({ dir: sandboxDir, members: 2, print: () => undefined });
    sandbox = sandboxAt(sandboxDir);
    members = sandbox.clusters.filter((c) => c !== 'host');
    recorder = await startAdmissionRecorder();
  });

  after(async () => {
    await manager?.stop();
    await recorder.close();
    await down({ dir: sandboxDir, print: () => undefined });
    rmSync(sandboxDir, { recursive: true, force: true });
    rmSync(helmHome, { recursive: true, force: true });
  });

  it('lints in both scopes and names a bad value instead of rendering it', async () => {
    await helmOk(['lint', chart]);
    await helmOk(['lint', chart, '--set', 'global.scope=Namespaced']);
    const badScope = await helm(['template', release, chart, '--set', 'global.scope=Clustered']);
    assert.notEqual(badScope.code, 0);
    assert.match(badScope.stderr, /global\.scope must be Cluster or Namespaced, not "Clustered"/);
    const badGate = await helm([
      'template',
      release,
      chart,
      '--set',
      'controllermanager.featureGates.PushReconciler=on',
    ]);
    assert.notEqual(badGate.code, 0);
    assert.match(
      badGate.stderr,
      /featureGates\.PushReconciler must be Enabled or Disabled, not "on"/,
    );
    const noCa = await helm([
      'template',
      release,
      chart,
      '--set',
      'controllermanager.webhook.url=https://127.0.0.1:1',
    ]);
    assert.notEqual(noCa.code, 0);
    assert.match(noCa.stderr, /controllermanager\.webhook\.caBundle is required/);
  });

  it('installs into the host: KubeFedConfig from the values, default types, webhooks registered', async () => {
    const out = await helmOk([
      'install',
      release,
      chart,
      '-n',
      ns,
      '--create-namespace',
      ...webhookByUrl(),
      ...fastTimings,
    ]);
    assert.match(out, /STATUS: deployed/);

    const config = await getJson(sandbox, 'host', ['kubefedconfig', 'kubefed', '-n', ns]);
    assert.ok(config, `no KubeFedConfig kubefed in ${ns}`);
    const spec = config['spec'] as Record<string, unknown>;
    assert.equal(spec['scope'], 'Cluster');
    assert.deepEqual(spec['clusterHealthCheck'], {
      period: '1s',
      failureThreshold: 3,
      successThreshold: 1,
      timeout: '1s',
    });
    assert.deepEqual(spec['featureGates'], [
      { name: 'PushReconciler', configuration: 'Enabled' },
      { name: 'RawResourceStatusCollection', configuration: 'Disabled' },
      { name: 'SchedulerPreferences', configuration: 'Enabled' },
    ]);
    const typeConfigs = await namesOf('host', ['federatedtypeconfigs', '-n', ns]);
    assert.equal(typeConfigs.length, 10, typeConfigs.join(', '));
    const deployment = await getJson(sandbox, 'host', [
      'deployment',
      'kubefed-controller-manager',
      '-n',
      ns,
    ]);
    assert.equal((deployment?.['spec'] as { replicas?: number }).replicas, 2);

    // The API server calls the registered endpoint on KubeFed's paths. It picks up new webhook
    // configurations a moment after they are created (the chart's own objects may be created
    // before that), so server-side dry-run creates are repeated until the calls arrive.
    const probe = (object: KubeObject): Promise<string> =>
      kubectl(
        sandbox,
        ['--context', 'host', 'create', '--dry-run=server', '-f', '-'],
        JSON.stringify(object),
      );
    const seen = (path: string, resource: string, name: string): boolean =>
      recorder.calls.some(
        (c) =>
          c.path === path && c.resource === resource && c.name === name && c.operation === 'CREATE',
      );
    await eventually(async () => {
      await probe({ ...config, metadata: { name: 'probe', namespace: ns } });
      await probe({
        apiVersion: 'core.kubefed.io/v1beta1',
        kind: 'FederatedTypeConfig',
        metadata: { name: 'probes.example.io', namespace: ns },
        spec: (
          await getJson(sandbox, 'host', ['federatedtypeconfig', 'deployments.apps', '-n', ns])
        )?.['spec'],
      });
      return seen('/default-kubefedconfig', 'kubefedconfigs', 'probe') &&
        seen('/validate-kubefedconfig', 'kubefedconfigs', 'probe') &&
        seen('/validate-federatedtypeconfigs', 'federatedtypeconfigs', 'probes.example.io')
        ? true
        : undefined;
    }, 30_000);
  });

  it('server-side dry-runs everything it renders, in Cluster and Namespaced scope', async () => {
    // Cluster scope as installed (webhooks by URL): every object exists, so this checks updates.
    // Namespaced scope as a real cluster would get it (webhook Deployment, Service, certificate),
    // in a namespace of its own (a KubeFedConfig's scope is immutable): its cluster-scoped names
    // carry the namespace, so this checks creates.
    const namespacedNs = `${ns}-namespaced`;
    await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', namespacedNs]);
    try {
      for (const [scope, namespace, values] of [
        ['Cluster', ns, webhookByUrl()],
        ['Namespaced', namespacedNs, []],
      ] as const) {
        const rendered = await helmOk([
          'template',
          release,
          chart,
          '-n',
          namespace,
          '--include-crds',
          '--set',
          `global.scope=${scope}`,
          ...values,
        ]);
        const out = await kubectl(
          sandbox,
          ['--context', 'host', 'apply', '--dry-run=server', '-f', '-'],
          rendered,
        );
        const objects =
          scope === 'Namespaced'
            ? [
                'deployment.apps/kubefed-admission-webhook',
                'service/kubefed-admission-webhook',
                'secret/kubefed-admission-webhook-serving-cert',
                `validatingwebhookconfiguration.admissionregistration.k8s.io/validations.core.kubefed.io-${namespacedNs}`,
                `mutatingwebhookconfiguration.admissionregistration.k8s.io/mutation.core.kubefed.io-${namespacedNs}`,
                'role.rbac.authorization.k8s.io/kubefed-role',
              ]
            : [
                'validatingwebhookconfiguration.admissionregistration.k8s.io/validations.core.kubefed.io',
                'clusterrole.rbac.authorization.k8s.io/kubefed-role',
                'customresourcedefinition.apiextensions.k8s.io/federateddeployments.types.kubefed.io',
              ];
        for (const object of [
          ...objects,
          'deployment.apps/kubefed-controller-manager',
          'kubefedconfig.core.kubefed.io/kubefed',
          'federatedtypeconfig.core.kubefed.io/deployments.apps',
        ]) {
          assert.match(
            out,
            new RegExp(`^${object.replaceAll('.', '\\.')} .*\\(server dry run\\)$`, 'm'),
            `${scope}: ${out}`,
          );
        }
      }
    } finally {
      await kubectl(sandbox, [
        '--context',
        'host',
        'delete',
        'namespace',
        namespacedNs,
        '--wait=false',
      ]);
    }
  });

  it('with a rule of the chart missing, the in-cluster manager says which permission it lacks', async () => {
    for (const member of members) {
      const join = await runCli('kubefedctl', [
        'join',
        member,
        '--cluster-context',
        member,
        '--kubeconfig',
        sandbox.kubeconfig,
        '--host-cluster-context',
        'host',
        '--kubefed-namespace',
        ns,
        '--error-on-existing=false',
      ]);
      assert.equal(join.code, 0, join.stderr);
      assert.ok(
        recorder.calls.some((c) => c.path === '/validate-kubefedcluster' && c.name === member),
        `join ${member}: the KubeFedCluster was not validated by the registered webhook`,
      );
    }
    const role = await getJson(sandbox, 'host', ['role', 'kubefed-config-role', '-n', ns]);
    const rules = role?.['rules'] as { resources: string[] }[];
    const secretsRule = rules.findIndex((r) => r.resources.includes('secrets'));
    assert.notEqual(secretsRule, -1);
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'patch',
      'role',
      'kubefed-config-role',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'remove', path: `/rules/${String(secretsRule)}` }]),
    ]);
    try {
      const started = await startInClusterManager(await boundToken('token-0'));
      manager = started.manager;
      // The API server's refusal names account, verb, resource and namespace; the log (JSON or
      // text) and a Warning Event on each KubeFedCluster carry it.
      const refusal = new RegExp(
        `"system:serviceaccount:${ns}:kubefed-controller" cannot get resource "secrets" in API group "" in the namespace "${ns}"`,
      );
      const running = manager;
      await eventually(
        () => Promise.resolve(refusal.test(running.stderr().replaceAll('\\"', '"')) || undefined),
        60_000,
      );
      for (const member of members) {
        await eventually(async () => {
          const events = await getJson(sandbox, 'host', [
            'events',
            '-n',
            ns,
            '--field-selector',
            `involvedObject.kind=KubeFedCluster,involvedObject.name=${member},reason=MalformedClusterConfig`,
          ]);
          const items = (events?.['items'] ?? []) as { message?: string }[];
          return items.some((e) => refusal.test(e.message ?? '')) || undefined;
        }, 30_000);
      }
      // SIGTERM: the term ends and the lease is handed back at once.
      assert.equal(await manager.stop(), 0);
      manager = undefined;
      const lease = await getJson(sandbox, 'host', [
        'lease',
        'kubefed-controller-manager',
        '-n',
        ns,
      ]);
      assert.equal((lease?.['spec'] as { holderIdentity?: string }).holderIdentity ?? '', '');
    } finally {
      await manager?.stop();
      manager = undefined;
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'patch',
        'role',
        'kubefed-config-role',
        '--type=json',
        '-p',
        JSON.stringify([
          { op: 'add', path: `/rules/${String(secretsRule)}`, value: rules[secretsRule] },
        ]),
      ]);
    }
  });

  it("propagates with only the chart's RBAC and its ServiceAccount's tokens, across a rotation", async () => {
    const started = await startInClusterManager(await boundToken('token-1'));
    manager = started.manager;
    await manager.waitForLog('promoted as leader', 60_000);
    await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', app]);
    await kubectl(
      sandbox,
      ['--context', 'host', 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedNamespace',
        metadata: { name: app, namespace: app },
        spec: { placement: { clusterSelector: {} } },
      }),
    );
    await federatedConfigMap({ value: 'first' });
    await waitForMemberData('first');

    // Rotate as the kubelet does (a new file renamed into place), then revoke the old token.
    const next = `${started.tokenFile}.next`;
    writeFileSync(next, await boundToken('token-2'));
    renameSync(next, started.tokenFile);
    await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', 'secret', 'token-1']);
    const revokedAt = Date.now();
    await federatedConfigMap({ value: 'second' });
    await waitForMemberData('second');
    // The lease is renewed with the new token well past the old one's revocation (3 s lease).
    await eventually(async () => {
      const lease = await getJson(sandbox, 'host', [
        'lease',
        'kubefed-controller-manager',
        '-n',
        ns,
      ]);
      const renewTime = Date.parse((lease?.['spec'] as { renewTime?: string }).renewTime ?? '');
      return renewTime > revokedAt + 4_000 ? true : undefined;
    }, 30_000);
    assert.doesNotMatch(manager.stderr(), /lost lease/);
  });

  it('uninstalls as docs/installation.md says, leaving host and members clean', async () => {
    // 1. Federated objects first, while the manager runs: it removes them from the members.
    const federatedTypes = (
      await kubectl(sandbox, [
        '--context',
        'host',
        'api-resources',
        '--api-group=types.kubefed.io',
        '-o',
        'name',
      ])
    )
      .split('\n')
      .filter((r) => r !== '')
      .join(',');
    await kubectl(sandbox, [
      '--context',
      'host',
      'delete',
      federatedTypes,
      '--all',
      '--all-namespaces',
      '--wait=true',
      '--timeout=90s',
    ]);
    // 2. Unjoin every member.
    for (const member of members) {
      const unjoin = await runCli('kubefedctl', [
        'unjoin',
        member,
        '--cluster-context',
        member,
        '--kubeconfig',
        sandbox.kubeconfig,
        '--host-cluster-context',
        'host',
        '--kubefed-namespace',
        ns,
      ]);
      assert.equal(unjoin.code, 0, unjoin.stderr);
    }
    // 3. KubeFed's own step: the FederatedTypeConfigs, while the manager still runs.
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'delete',
      'federatedtypeconfigs',
      '--all',
      '--wait=true',
      '--timeout=60s',
    ]);
    assert.equal(await manager?.stop(), 0);
    manager = undefined;
    // 4. The release, 5. the CRDs (Helm never deletes those), 6. the namespace.
    await helmOk(['uninstall', release, '-n', ns, '--wait']);
    const crds = await kubefedCRDNames();
    await kubectl(sandbox, ['--context', 'host', 'delete', 'crd', ...crds, '--timeout=60s']);
    await kubectl(sandbox, [
      '--context',
      'host',
      'delete',
      'namespace',
      ns,
      app,
      '--ignore-not-found',
      '--timeout=90s',
    ]);

    assert.deepEqual(await kubefedCRDNames(), []);
    const leftOnHost = [
      ...(await namesOf('host', ['clusterroles,clusterrolebindings'])).filter((n) =>
        /\/kubefed-/.test(n),
      ),
      ...(
        await namesOf('host', ['validatingwebhookconfigurations,mutatingwebhookconfigurations'])
      ).filter((n) => n.includes('core.kubefed.io')),
      ...(await namesOf('host', ['namespaces'])).filter(
        (n) => n === `namespace/${ns}` || n === `namespace/${app}`,
      ),
    ];
    assert.deepEqual(leftOnHost, []);
    for (const member of members) {
      await waitForNamespaceGone(sandbox, member, ns);
      await waitForNamespaceGone(sandbox, member, app);
      const roles = await namesOf(member, ['clusterroles,clusterrolebindings']);
      assert.deepEqual(
        roles.filter((n) => n.endsWith(`/${joinedRole(member)}`)),
        [],
      );
      assert.deepEqual(
        await namesOf(member, [
          'serviceaccounts',
          '-A',
          '--field-selector',
          `metadata.name=${joinedAccount(member)}`,
        ]),
        [],
      );
    }
  });
});
