// The real DNS path of the sandbox (`up --dns`, which npm test uses): the load-balancer role gives
// member Services of type LoadBalancer and Ingresses an address of their cluster's loopback block,
// external-dns publishes the host's DNSEndpoints to the sandbox's etcd, and CoreDNS answers `dig`
// from there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
import { dig, sandboxDns, type SandboxDns } from './dig.ts';
import { eventually, getJson, kubectl, runCli, testSandbox } from './fixture.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const ns = `dns-${Date.now().toString(36)}`;
const members = ['member1', 'member2'];
/** What external-dns needs at most to publish a change: an event sync is at most 1 s apart. */
const PUBLISH_BOUND_MS = 15_000;

async function apply(context: string, objects: readonly KubeObject[]): Promise<void> {
  await kubectl(
    sandbox,
    ['--context', context, 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
}

/** The addresses in an object's `status.loadBalancer.ingress`, once there are some. */
async function loadBalancerIps(context: string, resource: string, name: string): Promise<string[]> {
  return eventually(async () => {
    const obj = await getJson(sandbox, context, ['-n', ns, resource, name]);
    const status = obj?.['status'] as
      { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined;
    const ips = (status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
    return ips.length > 0 ? ips : undefined;
  }, 30_000);
}

/** Polls `dig` until the answer for `name` is `expected`; resolves with how long that took. */
async function answerBecomes(
  dns: SandboxDns,
  name: string,
  expected: readonly string[],
  timeoutMs = PUBLISH_BOUND_MS,
): Promise<number> {
  const start = Date.now();
  let last: string[] = [];
  try {
    await eventually(async () => {
      last = await dig(dns, name);
      return JSON.stringify(last) === JSON.stringify([...expected].sort()) ? true : undefined;
    }, timeoutMs);
  } catch {
    assert.deepEqual(last, [...expected].sort(), `dig ${name} within ${timeoutMs} ms`);
  }
  return Date.now() - start;
}

describe('sandbox DNS: load balancer, external-dns and CoreDNS', { timeout: 5 * 60_000 }, () => {
  let dns: SandboxDns;
  const addresses: Record<string, string> = {};

  before(async () => {
    dns = await sandboxDns(sandbox);
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    for (const context of ['host', ...members]) {
      await kubectl(sandbox, ['--context', context, 'create', 'namespace', ns]);
    }
  });

  after(async () => {
    for (const context of ['host', ...members]) {
      await kubectl(sandbox, ['--context', context, 'delete', 'namespace', ns, '--wait=false']);
    }
  });

  it("gives LoadBalancer Services and Ingresses an address of their cluster's block", async () => {
    for (const [i, context] of members.entries()) {
      await apply(context, [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: ns },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'web' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'internal', namespace: ns },
          spec: { type: 'ClusterIP', ports: [{ port: 80 }], selector: { app: 'web' } },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: ns },
          spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
        },
      ]);
      const [service, ...moreService] = await loadBalancerIps(context, 'service', 'web');
      const [ingress, ...moreIngress] = await loadBalancerIps(context, 'ingress', 'web');
      const block = `127.${101 + i}.`;
      assert.ok(service?.startsWith(block), `${context} Service got ${String(service)}`);
      assert.ok(ingress?.startsWith(block), `${context} Ingress got ${String(ingress)}`);
      assert.notEqual(service, ingress);
      assert.deepEqual([moreService, moreIngress], [[], []], 'one address each');
      addresses[context] = service ?? '';
    }
    const internal = await getJson(sandbox, 'member1', ['-n', ns, 'service', 'internal']);
    assert.deepEqual(internal?.['status'], { loadBalancer: {} }, 'a ClusterIP Service gets none');
  });

  it('publishes a DNSEndpoint through external-dns to CoreDNS and follows its changes', async (t) => {
    const [a1 = '', a2 = ''] = members.map((m) => addresses[m] ?? '');
    const name = `hand.${ns}`;
    const endpoint = (targets: string[]): KubeObject => ({
      apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'hand', namespace: ns },
      spec: {
        endpoints: [
          { dnsName: `${name}.${dns.zone}`, recordType: 'A', recordTTL: 5, targets },
          {
            dnsName: `alias.${ns}.${dns.zone}`,
            recordType: 'CNAME',
            recordTTL: 5,
            targets: [`${name}.${dns.zone}`],
          },
        ],
      },
    });
    await apply('host', [endpoint([a1, a2])]);
    const published = await answerBecomes(dns, name, [`A ${a1}`, `A ${a2}`], 60_000);
    await answerBecomes(dns, `alias.${ns}`, [`CNAME ${name}.${dns.zone}.`, `A ${a1}`, `A ${a2}`]);

    await apply('host', [endpoint([a2])]);
    const changed = await answerBecomes(dns, name, [`A ${a2}`]);

    await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', 'dnsendpoint', 'hand']);
    const removed = await answerBecomes(dns, name, []);
    await answerBecomes(dns, `alias.${ns}`, []);
    t.diagnostic(
      `DNSEndpoint to dig answer: created ${published} ms, changed ${changed} ms, deleted ${removed} ms`,
    );
  });
});
