// The sync controller of one federated type. For now it is the lifecycle skeleton the
// FederatedTypeConfig controller starts and stops: it watches the federated objects of its type
// on the host and queues them. Propagation to the members is not built yet: its reconcile does
// nothing but report that it saw the object.
import { apiVersionOf, federatedIsNamespaced } from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { Informer, stripManagedFields } from '../../kube/informer.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ControllerMetrics } from '../../runtime/metrics.ts';
import { ReconcileResult, ReconcileWorker } from '../../runtime/reconcile-worker.ts';
import type { RunningTypeController } from '../typeconfig/controller.ts';

export interface SyncControllerDeps {
  host: KubeClient;
  /** Namespace the control plane is limited to; all namespaces when undefined. */
  targetNamespace: string | undefined;
  logger: Logger;
  metrics: ControllerMetrics;
  maxConcurrentReconciles: number;
}

export function startSyncController(ftc: FederatedTypeConfig, deps: SyncControllerDeps): Promise<RunningTypeController> {
  const federated = ftc.spec.federatedType;
  const name = federated.kind.toLowerCase();
  const logger = deps.logger.child({ controller: name });
  const key = (obj: KubeObject): string => {
    const { namespace, name: objectName } = obj.metadata ?? {};
    return namespace ? `${namespace}/${objectName ?? ''}` : (objectName ?? '');
  };
  const worker = new ReconcileWorker({
    name,
    logger,
    metrics: deps.metrics,
    maxConcurrentReconciles: deps.maxConcurrentReconciles,
    reconcile: (objectKey) => {
      logger.v(2).info('Observed federated object (propagation is not implemented yet)', { object: objectKey, apiVersion: apiVersionOf(federated) });
      return Promise.resolve(ReconcileResult.AllOK);
    },
  });
  const informer = new Informer({
    client: deps.host,
    resource: {
      group: federated.group ?? '',
      version: federated.version,
      resource: federated.pluralName,
      namespaced: federatedIsNamespaced(ftc),
    },
    namespace: deps.targetNamespace,
    transform: stripManagedFields,
    logger,
    onAdd: (obj) => worker.enqueue(key(obj)),
    onUpdate: (_old, obj) => worker.enqueue(key(obj)),
    onDelete: (obj) => worker.enqueue(key(obj)),
  });
  informer.start();
  worker.start();
  return Promise.resolve({
    async stop() {
      await worker.stop();
      await informer.stop();
    },
  });
}
