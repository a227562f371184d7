// Disabling federation of a type (spec §13.5): stop propagation, wait until the controller
// manager confirms, optionally delete the federated CRD (only when no federated objects remain),
// and delete the FederatedTypeConfig.
import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceScope, Toggle } from '../../apis/constants.ts';
import { federatedTypeConfigsResource } from '../../apis/resources.ts';
import { applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { APIResource, FederatedTypeConfig } from '../../apis/types.ts';
import { formatGoDuration } from '../../apis/duration.ts';
import { federatedCRDName } from '../../federation/api-generation/type-config.ts';
import type { KubeClient } from '../../kube/client.ts';
import { ifFound, isNotFound } from '../../kube/errors.ts';
import { customResourceDefinitionsResource, resourceRefOf } from '../../kube/resource.ts';
import { propagationStopped, remainingInstancesMessage, stopTimeoutMessage } from './plan.ts';
import type { KubeObject } from '../../json/object.ts';

/** How disable reports what it does; `waiting` shows the wait as it goes. */
export interface DisableReporter {
  line(text: string): void;
  /** Called once when the wait starts, then about once a second while it lasts. */
  waiting(elapsedMs: number): void;
  /** The wait ended (either way). */
  waited(): void;
}

export interface DisableOptions {
  namespace: string;
  /** The FederatedTypeConfig name (`deployments.apps`). */
  name: string;
  deleteCRD: boolean;
  dryRun: boolean;
  /** How long the propagation controller may take to stop. */
  timeoutMs: number;
  pollIntervalMs?: number;
  /**
   * The federated type when no FTC exists but its CRD should still go (generated from the
   * target type, as enable would).
   */
  federatedTypeWithoutConfig?: () => Promise<APIResource>;
  report: DisableReporter;
  signal?: AbortSignal | undefined;
}

export async function disableFederatedType(
  client: KubeClient,
  options: DisableOptions,
): Promise<void> {
  const { namespace, name, report, signal } = options;
  const qualified = `${namespace}/${name}`;
  const found = await getTypeConfig(client, namespace, name, signal);
  if (found === undefined) {
    report.line(`FederatedTypeConfig "${qualified}" does not exist\n`);
    if (!options.deleteCRD || options.dryRun) return;
    const derive = options.federatedTypeWithoutConfig;
    if (derive === undefined) return;
    await deleteFederatedCRD(client, await derive(), report, signal);
    return;
  }
  const ftc = applyTypeConfigDefaults(found);
  const federatedType = ftc.spec.federatedType;
  if (options.dryRun) {
    report.line(
      `Dry run: would disable propagation for FederatedTypeConfig "${qualified}"` +
        (options.deleteCRD ? `, delete CRD "${federatedCRDName(federatedType)}"` : '') +
        ' and delete the FederatedTypeConfig\n',
    );
    return;
  }
  if (options.deleteCRD) await requireNoInstances(client, federatedType, signal);

  if (ftc.spec.propagation !== Toggle.Disabled) {
    await client.patch(
      federatedTypeConfigsResource,
      name,
      { spec: { propagation: Toggle.Disabled } },
      { type: 'merge', namespace, signal },
    );
    report.line(`Disabled propagation for FederatedTypeConfig "${qualified}"\n`);
  }
  await waitForPropagationStopped(client, options, qualified);
  report.line(`Propagation controller for FederatedTypeConfig "${qualified}" is stopped\n`);

  if (options.deleteCRD) await deleteFederatedCRD(client, federatedType, report, signal);

  try {
    await client.delete(federatedTypeConfigsResource, name, { namespace, signal });
    report.line(`federatedtypeconfig "${qualified}" deleted\n`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    report.line(`federatedtypeconfig "${qualified}" does not exist\n`);
  }
}

async function waitForPropagationStopped(
  client: KubeClient,
  options: DisableOptions,
  qualified: string,
): Promise<void> {
  const { namespace, name, report, signal, timeoutMs } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const start = Date.now();
  let lastReport = start;
  let last: FederatedTypeConfig | undefined;
  report.line(
    `Verifying propagation controller for FederatedTypeConfig "${qualified}" is stopped ` +
      `(timeout ${formatGoDuration(timeoutMs)})`,
  );
  report.waiting(0);
  try {
    for (;;) {
      last = await getTypeConfig(client, namespace, name, signal);
      if (last === undefined) {
        throw new Error(`FederatedTypeConfig "${qualified}" was deleted while waiting for it`);
      }
      if (propagationStopped(last)) return;
      const now = Date.now();
      if (now - start >= timeoutMs) throw new Error(stopTimeoutMessage(last, qualified, timeoutMs));
      if (now - lastReport >= 1000) {
        report.waiting(now - start);
        lastReport = now;
      }
      await sleep(Math.min(pollIntervalMs, timeoutMs - (now - start)), undefined, { signal });
    }
  } finally {
    report.waited();
  }
}

async function requireNoInstances(
  client: KubeClient,
  federatedType: APIResource,
  signal: AbortSignal | undefined,
): Promise<void> {
  let instances: KubeObject[];
  try {
    // Namespaced or not, a LIST without a namespace covers the whole cluster.
    const ref = resourceRefOf(federatedType, federatedType.scope === ResourceScope.Namespaced);
    instances = (await client.list(ref, { signal })).items;
  } catch (err) {
    if (isNotFound(err)) return; // the CRD (or that version of it) is gone: nothing remains
    throw err;
  }
  if (instances.length > 0) {
    throw new Error(
      remainingInstancesMessage(federatedCRDName(federatedType), federatedType.kind, instances),
    );
  }
}

async function deleteFederatedCRD(
  client: KubeClient,
  federatedType: APIResource,
  report: DisableReporter,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Objects may have been created while propagation was being stopped.
  await requireNoInstances(client, federatedType, signal);
  const crdName = federatedCRDName(federatedType);
  try {
    await client.delete(customResourceDefinitionsResource, crdName, { signal });
    report.line(`customresourcedefinition "${crdName}" deleted\n`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    report.line(`customresourcedefinition "${crdName}" does not exist\n`);
  }
}

async function getTypeConfig(
  client: KubeClient,
  namespace: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<FederatedTypeConfig | undefined> {
  const ftc = await ifFound(client.get(federatedTypeConfigsResource, name, { namespace, signal }));
  return ftc as FederatedTypeConfig | undefined;
}
