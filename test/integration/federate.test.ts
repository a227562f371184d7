// kubefedctl federate, orphaning-deletion and get TYPE NAME against the real sandbox. Everything
// lives in namespaces of this test: a KubeFed namespace of its own (KubeFedConfig, two FTCs,
// member1 joined under a host name of its own) and the namespaces federated. Propagation may or
// may not be running in the sandbox, so `get` is checked for its shape and for the rows that
// placement and status imply, not for propagation results.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { kubectl, repoRoot, runCli, testSandbox } from './fixture.ts';

const sandbox = testSandbox();
const suffix = `${Date.now() % 1_000_000_000}`;
const kfns = `fedtest-kfns-${suffix}`;
const ns = `fedtest-${suffix}`;
const contentsNs = `fedtest-c-${suffix}`;
const hostName = `fedtest${suffix}`;
const host = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];

async function cli(...args: string[]) {
  return runCli('kubefedctl', [...args, ...host]);
}

async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args);
  assert.equal(result.code, 0, `kubefedctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const h = (...args: string[]) => kubectl(sandbox, ['--context', 'host', ...args]);

describe('kubefedctl federate, orphaning-deletion and get', () => {
  before(async () => {
    for (const name of [kfns, ns, contentsNs]) await h('create', 'namespace', name);
    await kubectl(
      sandbox,
      ['--context', 'host', 'apply', '-f', '-'],
      `apiVersion: core.kubefed.io/v1beta1\nkind: KubeFedConfig\nmetadata: {name: kubefed, namespace: ${kfns}}\nspec: {scope: Cluster}\n`,
    );
    await ok('enable', 'configmaps', '--kubefed-namespace', kfns);
    await ok('enable', 'namespaces', '--kubefed-namespace', kfns);
    await ok(
      'join',
      'member1',
      '--cluster-context',
      'member1',
      '--kubefed-namespace',
      kfns,
      '--host-cluster-name',
      hostName,
    );
    await h('-n', ns, 'create', 'configmap', 'web', '--from-literal=a=b');
    await h('-n', ns, 'label', 'configmap', 'web', 'app=web');
    await h('-n', contentsNs, 'create', 'configmap', 'settings', '--from-literal=x=y');
    await h('-n', contentsNs, 'create', 'secret', 'generic', 'creds', '--from-literal=k=v');
  });

  after(async () => {
    await runCli('kubefedctl', [
      'unjoin',
      'member1',
      '--cluster-context',
      'member1',
      '--kubefed-namespace',
      kfns,
      '--host-cluster-name',
      hostName,
      ...host,
    ]);
    for (const name of [ns, contentsNs]) await deleteNamespace(name);
    await h('delete', 'namespace', kfns, '--wait=false', '--ignore-not-found');
    // A sync controller running elsewhere in the sandbox may have propagated our namespaces.
    for (const context of ['member1', 'member2']) {
      await kubectl(sandbox, [
        '--context',
        context,
        'delete',
        'namespace',
        ns,
        contentsNs,
        '--wait=false',
        '--ignore-not-found',
      ]).catch(() => undefined);
    }
  });

  it('prints a FederatedConfigMap that the apiserver accepts', async () => {
    const yaml = await ok('federate', 'configmaps', 'web', '-n', ns, '-o', 'yaml');
    const docs = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, unknown>);
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0], {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'web', namespace: ns },
      spec: {
        template: { data: { a: 'b' }, metadata: { labels: { app: 'web' } } },
        placement: { clusterSelector: { matchLabels: {} } },
      },
    });
    const out = await kubectl(
      sandbox,
      ['--context', 'host', 'apply', '--dry-run=server', '-f', '-'],
      yaml,
    );
    assert.match(out, /federatedconfigmap\.types\.kubefed\.io\/web created \(server dry run\)/);
  });

  it('creates the federated object once, then says it is already federated', async () => {
    const out = await ok('federate', 'cm', 'web', '-n', ns);
    assert.equal(out, `federatedconfigmap.types.kubefed.io/web created in namespace ${ns}\n`);
    const fcm = JSON.parse(await h('-n', ns, 'get', 'federatedconfigmap', 'web', '-o', 'json')) as {
      spec: unknown;
    };
    assert.deepEqual(fcm.spec, {
      template: { data: { a: 'b' }, metadata: { labels: { app: 'web' } } },
      placement: { clusterSelector: { matchLabels: {} } },
    });
    const again = await cli('federate', 'cm', 'web', '-n', ns);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /FederatedConfigMap "fedtest-\d+\/web" already exists: the object is already federated/,
    );
  });

  it('explains a missing object and a type that is not enabled', async () => {
    const missing = await cli('federate', 'configmaps', 'nope', '-n', ns);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /ConfigMap "nope" not found in namespace fedtest-\d+ of host cluster "host"/,
    );
    const pods = await cli('federate', 'pods', 'x', '-n', ns, '--kubefed-namespace', kfns);
    assert.equal(pods.code, 1);
    assert.match(
      pods.stderr,
      /federation is not enabled for "pods".*--enable-type.*'kubefedctl enable pods'/,
    );
  });

  it('federates a namespace with its contents', async () => {
    // Secrets are not enabled in our KubeFed namespace: refused before anything is written.
    const refused = await cli(
      'federate',
      'namespace',
      contentsNs,
      '--contents',
      '--kubefed-namespace',
      kfns,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /"secrets".*--skip-api-resources secrets/);
    assert.equal(await h('-n', contentsNs, 'get', 'federatednamespaces', '-o', 'name'), '');

    const out = await ok(
      'federate',
      'namespace',
      contentsNs,
      '--contents',
      '--skip-api-resources',
      'secrets,serviceaccounts',
      '--kubefed-namespace',
      kfns,
    );
    assert.match(
      out,
      new RegExp(`federatednamespace\\.types\\.kubefed\\.io/${contentsNs} created`),
    );
    assert.match(out, /federatedconfigmap\.types\.kubefed\.io\/settings created/);
    // Each cluster makes its own root CA ConfigMap: federating it would fight the members.
    assert.doesNotMatch(out, /kube-root-ca\.crt/);
    assert.doesNotMatch(out, /secret|serviceaccount/);
    const fns = JSON.parse(
      await h('-n', contentsNs, 'get', 'federatednamespace', contentsNs, '-o', 'json'),
    ) as { spec: { template: unknown } };
    assert.deepEqual(fns.spec.template, {
      metadata: { labels: { 'kubernetes.io/metadata.name': contentsNs } },
      spec: {},
    });
    const names = await h('-n', contentsNs, 'get', 'federatedconfigmaps', '-o', 'name');
    assert.match(names, /settings/);
  });

  it('converts objects offline from stdin', async () => {
    const input = await h('-n', ns, 'get', 'configmap', 'web', '-o', 'yaml');
    const result = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [`${repoRoot}bin/kubefedctl.js`, 'federate', '-f', '-'],
        { cwd: repoRoot, env: { ...process.env, KUBECONFIG: '/nonexistent' } },
        (err, out) => {
          if (err) reject(new Error(`kubefedctl federate -f -: ${err.message}`, { cause: err }));
          else resolve(out);
        },
      );
      child.stdin?.end(input);
    });
    const fed = parse(result) as Record<string, unknown>;
    assert.equal(fed['kind'], 'FederatedConfigMap');
    assert.deepEqual(fed['metadata'], { name: 'web', namespace: ns });
  });

  it('enables, reports and disables orphaning deletion', async () => {
    const status = () => ok('orphaning-deletion', 'status', 'fcm', 'web', '-n', ns);
    assert.equal(await status(), 'Disabled\n');
    assert.match(
      await ok('orphaning-deletion', 'enable', 'federatedconfigmaps', 'web', '-n', ns),
      /Orphaning deletion enabled for federatedconfigmap\.types\.kubefed\.io\/web/,
    );
    assert.equal(await status(), 'Enabled\n');
    const annotation = await h(
      '-n',
      ns,
      'get',
      'fcm',
      'web',
      '-o',
      'jsonpath={.metadata.annotations.kubefed\\.io/orphan}',
    );
    assert.equal(annotation, 'true');
    assert.match(
      await ok('orphaning-deletion', 'enable', 'fcm', 'web', '-n', ns),
      /already enabled/,
    );
    await ok('orphaning-deletion', 'disable', 'fcm', 'web', '-n', ns);
    assert.equal(await status(), 'Disabled\n');
    const warned = await cli('orphaning-deletion', 'status', 'configmaps', 'web', '-n', ns);
    assert.match(warned.stderr, /Warning: configmaps might not be a federated resource/);
  });

  it('prints a federated object per member cluster', async () => {
    // Without a FederatedNamespace the object is placed nowhere.
    const unplaced = await cli('get', 'configmaps', 'web', '-n', ns, '--kubefed-namespace', kfns);
    assert.equal(unplaced.code, 0, unplaced.stderr);
    assert.match(unplaced.stdout, /^Propagation: /);
    assert.match(unplaced.stderr, /is not federated \(no FederatedNamespace\)/);

    await ok('federate', 'namespace', ns, '--kubefed-namespace', kfns);
    const shown = await ok('get', 'configmaps', 'web', '-n', ns, '--kubefed-namespace', kfns);
    const [summary, header, ...rows] = shown.trimEnd().split('\n');
    assert.match(summary ?? '', /^Propagation: (True|False|<unknown>)/);
    assert.match(header ?? '', /^CLUSTER +PROPAGATED +STATUS +AGE$/);
    const member1 = rows.find((row) => row.startsWith('member1 '));
    assert.ok(member1, `member1 is placed: ${shown}`);
    assert.match(member1, /^member1 +(yes|no) +(OK|<none>|[A-Za-z]+) +\S+$/);

    // The federated type's own name and short name work the same; -o prints the object.
    const byShortName = await ok('get', 'fcm', 'web', '-n', ns, '--kubefed-namespace', kfns);
    assert.match(byShortName, /^member1 /m);
    const json = JSON.parse(
      await ok('get', 'fcm', 'web', '-n', ns, '-o', 'json', '--kubefed-namespace', kfns),
    ) as {
      kind: string;
    };
    assert.equal(json.kind, 'FederatedConfigMap');

    const list = await ok('get', 'federatedconfigmaps', '-n', ns, '--kubefed-namespace', kfns);
    assert.match(list, /^NAME +PROPAGATION +REASON +CLUSTERS +AGE\nweb +/);
    const clusters = await ok('get', 'clusters', '--kubefed-namespace', kfns);
    assert.match(clusters, /^NAME +READY/);
    assert.match(clusters, /\nmember1 /);
  });
});

/** Deletes a namespace; federated objects left behind by a stopped controller lose their finalizer. */
async function deleteNamespace(name: string): Promise<void> {
  await h('delete', 'namespace', name, '--wait=false', '--ignore-not-found');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const left = await h('get', 'namespace', name, '--ignore-not-found', '-o', 'name');
    if (left.trim() === '') return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  for (const type of [
    'federatedconfigmaps',
    'federatednamespaces',
    'federatedsecrets',
    'federatedserviceaccounts',
  ]) {
    const names = (await h('-n', name, 'get', type, '-o', 'name').catch(() => '')).split('\n');
    for (const object of names.filter((n) => n !== '')) {
      await h(
        '-n',
        name,
        'patch',
        object,
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ).catch(() => undefined);
    }
  }
}
