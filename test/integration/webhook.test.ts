// KubeFed's admission webhooks for real: kubefed-webhook on loopback, registered in the sandbox
// host for one labelled namespace, and the real kubectl. Invalid KubeFed objects are refused with
// KubeFed's messages, a bare KubeFedConfig comes back defaulted, and the controller manager
// leaves the defaulting of the KubeFedConfig it creates to the webhook. The registration is
// removed after the file (failurePolicy Fail would refuse every KubeFed object if the webhook
// were gone), and while registered it only ever sees objects of this file's namespace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { defaultKubeFedConfig } from '../../src/apis/kubefedconfig.ts';
import type { KubeObject } from '../../src/json/object.ts';
import {
  eventually,
  getJson,
  kubectl,
  runCli,
  testSandbox,
  type TestSandbox,
  waitForNamespaceGone,
} from './fixture.ts';
import { startManager } from './manager.ts';
import {
  registerLocalWebhook,
  startLocalWebhook,
  unregisterLocalWebhook,
  type LocalWebhook,
} from './webhook.ts';

const NS = 'webhook-test';
/** Not selected by the registration: the webhook never sees its objects. */
const OTHER_NS = 'webhook-test-unselected';

function kubeFedConfig(namespace: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedConfig',
    metadata: { name: 'kubefed', namespace },
    spec,
  };
}

const shortLease = kubeFedConfig(NS, {
  scope: 'Cluster',
  leaderElect: { leaseDuration: '5s', renewDeadline: '10s', retryPeriod: '2s' },
});

const invalidCluster: KubeObject = {
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'KubeFedCluster',
  metadata: { name: 'bad-port', namespace: NS },
  spec: { apiEndpoint: 'https://127.0.0.1:99999', secretRef: { name: 'bad-port-token' } },
};

const misnamedTypeConfig: KubeObject = {
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'FederatedTypeConfig',
  metadata: { name: 'configmaps', namespace: NS },
  spec: {
    targetType: { version: 'v1', kind: 'Secret', pluralName: 'secrets', scope: 'Namespaced' },
    propagation: 'Enabled',
    federatedType: {
      group: 'types.kubefed.io',
      version: 'v1beta1',
      kind: 'FederatedSecret',
      pluralName: 'federatedsecrets',
      scope: 'Namespaced',
    },
  },
};

function apply(sandbox: TestSandbox, object: KubeObject, ...flags: string[]): Promise<string> {
  return kubectl(sandbox, ['--context', 'host', 'apply', ...flags, '-f', '-'], stringify(object));
}

/** `kubectl apply` fails with the message of webhook `name`. */
async function assertDenied(
  sandbox: TestSandbox,
  object: KubeObject,
  webhook: string,
  message: string,
): Promise<void> {
  await assert.rejects(apply(sandbox, object), (error: Error) => {
    assert.ok(
      error.message.includes(`admission webhook "${webhook}" denied the request: ${message}`),
      error.message,
    );
    return true;
  });
}

describe('admission webhooks', { timeout: 180_000 }, () => {
  const sandbox = testSandbox();
  let webhook: LocalWebhook | undefined;

  before(async () => {
    const init = await runCli('kubefedctl', [
      'init',
      '--kubeconfig',
      sandbox.kubeconfig,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(init.code, 0, init.stderr);
    // A run that crashed may have left its registration: it only selects NS, but start clean.
    await unregisterLocalWebhook(sandbox, NS);
    for (const ns of [NS, OTHER_NS]) {
      // The last run's namespace may still be terminating.
      await waitForNamespaceGone(sandbox, 'host', ns);
      await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', ns]);
    }
    await kubectl(sandbox, ['--context', 'host', 'label', 'namespace', NS, `name=${NS}`]);
    webhook = await startLocalWebhook(['--v=4']);
    await registerLocalWebhook(sandbox, webhook, NS);
    // The apiserver learns of new webhook configurations through a watch: wait until it calls.
    await eventually(async () => {
      const denied = await apply(sandbox, shortLease, '--dry-run=server').then(
        () => false,
        (error: unknown) => String(error).includes('denied the request'),
      );
      return denied ? true : undefined;
    }, 30_000);
  });

  after(async () => {
    // Registration first: a registered webhook that is gone would refuse KubeFed objects of NS.
    await unregisterLocalWebhook(sandbox, NS);
    const exitCode = await webhook?.stop();
    await kubectl(sandbox, [
      '--context',
      'host',
      'delete',
      'namespace',
      NS,
      OTHER_NS,
      '--ignore-not-found',
      '--wait=false',
    ]);
    assert.equal(
      exitCode,
      0,
      `kubefed-webhook did not stop gracefully:\n${webhook?.stderr() ?? ''}`,
    );
  });

  it('refuses a KubeFedCluster whose endpoint port is out of range', async () => {
    await assertDenied(
      sandbox,
      invalidCluster,
      'kubefedclusters.core.kubefed.io',
      'spec.apiEndpoint: Invalid value: 99999: must be between 1 and 65535, inclusive',
    );
  });

  it('refuses a FederatedTypeConfig not named after its target', async () => {
    await assertDenied(
      sandbox,
      misnamedTypeConfig,
      'federatedtypeconfigs.core.kubefed.io',
      `name: Invalid value: "configmaps": name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)'`,
    );
  });

  it('refuses a KubeFedConfig whose lease is shorter than its renew deadline', async () => {
    await assertDenied(
      sandbox,
      shortLease,
      'kubefedconfigs.core.kubefed.io',
      'spec.leaderElect.leaseDuration: Invalid value: "5s": leaseDuration must be greater than renewDeadline',
    );
  });

  it('does not see objects outside the selected namespace', async () => {
    const elsewhere = kubeFedConfig(OTHER_NS, shortLease['spec'] as Record<string, unknown>);
    await apply(sandbox, elsewhere, '--dry-run=server');
    await apply(
      sandbox,
      { ...invalidCluster, metadata: { name: 'bad-port', namespace: OTHER_NS } },
      '--dry-run=server',
    );
  });

  it('defaults a bare KubeFedConfig, with durations in Go format', async () => {
    await apply(sandbox, kubeFedConfig(NS, { scope: 'Cluster' }));
    const stored = await getJson(sandbox, 'host', ['kubefedconfig', 'kubefed', '-n', NS]);
    assert.deepEqual(stored?.['spec'], defaultKubeFedConfig(NS, 'Cluster').spec);
  });

  it('validates updates of the KubeFedConfig; its scope is immutable', async () => {
    const stored = await getJson(sandbox, 'host', ['kubefedconfig', 'kubefed', '-n', NS]);
    const spec = stored?.['spec'] as Record<string, unknown>;
    await assertDenied(
      sandbox,
      kubeFedConfig(NS, {
        ...spec,
        leaderElect: { ...(spec['leaderElect'] as object), leaseDuration: '5s' },
      }),
      'kubefedconfigs.core.kubefed.io',
      'spec.leaderElect.leaseDuration: Invalid value: "5s": leaseDuration must be greater than renewDeadline',
    );
    // The CRD's own rule refuses a scope change before the webhook is asked, in the webhook's
    // words; the webhook's check of oldObject is unit-tested.
    await assert.rejects(apply(sandbox, kubeFedConfig(NS, { ...spec, scope: 'Namespaced' })), {
      message: /spec\.scope: Invalid value: "Namespaced": field is immutable/,
    });
  });

  it('lets the manager create a bare KubeFedConfig for the webhook to default', async () => {
    await kubectl(sandbox, [
      '--context',
      'host',
      'delete',
      'kubefedconfig',
      'kubefed',
      '-n',
      NS,
      '--ignore-not-found',
    ]);
    const manager = await startManager(sandbox, [
      `--kubefed-namespace=${NS}`,
      '--logging-format=text',
    ]);
    try {
      await manager.waitForLog(`Creating KubeFedConfig "${NS}/kubefed" for the webhook to default`);
      await manager.waitForLog(`Using valid KubeFedConfig "${NS}/kubefed"`);
      // Signals are handled from the campaign on.
      await manager.waitForLog('promoted as leader');
    } finally {
      assert.equal(await manager.stop(), 0, manager.stderr());
    }
    const stored = await getJson(sandbox, 'host', ['kubefedconfig', 'kubefed', '-n', NS]);
    assert.deepEqual(stored?.['spec'], defaultKubeFedConfig(NS, 'Cluster').spec);
    // The defaults came from the webhook's patch, not from the manager.
    assert.match(
      webhook?.stderr() ?? '',
      new RegExp(
        `"path":"/default-kubefedconfig","operation":"CREATE","resource":"kubefedconfigs","object":"${NS}/kubefed","allowed":true,"patched":true`,
      ),
    );
  });
});
