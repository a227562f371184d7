// The FederatedTypeConfig controller in a running controller manager: the default types run,
// `kubefedctl disable` flips a type to NotRunning within seconds and `enable` brings it back,
// and a CRD enabled at runtime gets its sync controller without a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, kubectl, runCli, sizedCRD, testSandbox } from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const group = `ftc${Date.now()}.example.com`;

interface FtcView {
  metadata: { name: string; generation: number; finalizers?: string[] };
  status?: { propagationController?: string; observedGeneration?: number };
}

async function ftc(name: string): Promise<FtcView | undefined> {
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    kfns,
    'get',
    'ftc',
    name,
    '-o',
    'json',
    '--ignore-not-found',
  ]);
  return out.trim() === '' ? undefined : (JSON.parse(out) as FtcView);
}

const gadgetCRD = sizedCRD(group, 'Gadget');

describe('FederatedTypeConfig controller', () => {
  let manager: RunningManager;
  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    manager = await startManager(sandbox, [
      '--kubefed-config',
      await fastKubeFedConfigFile(),
      '--logging-format=text',
    ]);
    await manager.waitForLog('promoted as leader');
  });
  after(async () => {
    await manager.stop();
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, [
        '--context',
        context,
        'delete',
        'crd',
        `gadgets.${group}`,
        '--ignore-not-found',
      ]);
    }
  });

  it('runs the sync controllers of the ten default types, with the FTC finalizer', async () => {
    const names = [
      'clusterroles.rbac.authorization.k8s.io',
      'configmaps',
      'deployments.apps',
      'ingresses.networking.k8s.io',
      'jobs.batch',
      'namespaces',
      'replicasets.apps',
      'secrets',
      'serviceaccounts',
      'services',
    ];
    for (const name of names) {
      const view = await eventually(async () => {
        const v = await ftc(name);
        return v?.status?.propagationController === 'Running' &&
          v.status.observedGeneration === v.metadata.generation
          ? v
          : undefined;
      }, 30_000);
      assert.ok(
        view.metadata.finalizers?.includes('core.kubefed.io/federated-type-config'),
        `${name} has the finalizer`,
      );
    }
  });

  it('disable flips a type to NotRunning within seconds; enable runs it again', async () => {
    const started = Date.now();
    const disabled = await runCli('kubefedctl', ['disable', 'configmaps', ...common]);
    assert.equal(disabled.code, 0, disabled.stderr + disabled.stdout);
    assert.ok(Date.now() - started < 10_000, `disable took ${Date.now() - started} ms`);
    // disable waits for NotRunning, then deletes the FTC (spec 13.5): its finalizer was removed.
    assert.match(disabled.stdout + disabled.stderr, /stopped|NotRunning/i);
    assert.equal(await ftc('configmaps'), undefined);

    const enabled = await runCli('kubefedctl', ['enable', 'configmaps', ...common]);
    assert.equal(enabled.code, 0, enabled.stderr);
    await eventually(
      async () =>
        (await ftc('configmaps'))?.status?.propagationController === 'Running' ? true : undefined,
      15_000,
    );
  });

  it('starts the sync controller of a CRD enabled at runtime, without a restart', async () => {
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, ['--context', context, 'apply', '-f', '-'], JSON.stringify(gadgetCRD));
    }
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, [
        '--context',
        context,
        'wait',
        '--for=condition=Established',
        `crd/gadgets.${group}`,
        '--timeout=30s',
      ]);
    }
    const enabled = await runCli('kubefedctl', ['enable', `gadgets.${group}`, ...common]);
    assert.equal(enabled.code, 0, enabled.stderr);
    await eventually(
      async () =>
        (await ftc(`gadgets.${group}`))?.status?.propagationController === 'Running'
          ? true
          : undefined,
      15_000,
    );
    await manager.waitForLog('Starting sync controller for "FederatedGadget"', 5000);

    const disabled = await runCli('kubefedctl', [
      'disable',
      `gadgets.${group}`,
      '--delete-crd',
      ...common,
    ]);
    assert.equal(disabled.code, 0, disabled.stderr + disabled.stdout);
    assert.equal(
      await ftc(`gadgets.${group}`),
      undefined,
      'the FTC is gone (its finalizer was removed)',
    );
    // The CRD's own finalizer (its instances' cleanup) runs after the delete returns.
    await eventually(async () => {
      try {
        await kubectl(sandbox, [
          '--context',
          'host',
          'get',
          'crd',
          'federatedgadgets.types.kubefed.io',
        ]);
        return undefined;
      } catch (error) {
        return /NotFound/.test(String(error)) ? true : undefined;
      }
    }, 30_000);
  });
});
