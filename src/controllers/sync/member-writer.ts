// The one seam through which a sync controller touches member clusters (Karmada's ObjectWatcher):
// create, update, delete, remove the managed label, and the read that adoption needs. Every call
// answers with a plain MemberCallResult instead of throwing, and none is sent once the leadership
// term is over: a leader that lost its lease must not write, even if it only learns so late.
import { MANAGED_LABEL } from '../../apis/constants.ts';
import type { MemberCallResult } from '../../federation/propagation/member-results.ts';
import type { KubeObject } from '../../json/object.ts';
import type { DeleteOptions, KubeClient } from '../../kube/client.ts';
import {
  ApiError,
  errorMessage,
  isAlreadyExists,
  isCancelled,
  isNotFound,
  isTimeout,
  isWriteFenced,
} from '../../kube/errors.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { MemberCircuits } from '../../multicluster/member-circuits.ts';

/** The member object a federated object stands for: same name; no namespace for namespaces. */
export interface TargetName {
  name: string;
  namespace: string | undefined;
  /** `ns/name` or `name`: the member informer key. */
  key: string;
}

export interface MemberWriter {
  create(cluster: string, object: KubeObject, signal: AbortSignal): Promise<MemberCallResult>;
  update(cluster: string, object: KubeObject, signal: AbortSignal): Promise<MemberCallResult>;
  delete(
    cluster: string,
    target: TargetName,
    options: DeleteOptions | undefined,
    signal: AbortSignal,
  ): Promise<MemberCallResult>;
  removeManagedLabel(
    cluster: string,
    target: TargetName,
    signal: AbortSignal,
  ): Promise<MemberCallResult>;
  get(cluster: string, target: TargetName, signal: AbortSignal): Promise<MemberCallResult>;
}

export interface ClientMemberWriterOptions {
  /** The target type in the members. */
  resource: ResourceRef;
  /** The ready member's client, if it has one. */
  client: (cluster: string) => KubeClient | undefined;
  /** Asked right before each request: false once the leadership term has ended. */
  isLeading: () => boolean;
  /** Each member's circuit breaker: a member that does not answer fails fast. */
  circuits: MemberCircuits;
}

/** A MemberWriter over the member clients. */
export function clientMemberWriter(options: ClientMemberWriterOptions): MemberWriter {
  const { resource } = options;
  const call = async (
    cluster: string,
    signal: AbortSignal,
    send: (client: KubeClient, signal: AbortSignal) => Promise<KubeObject | undefined>,
  ): Promise<MemberCallResult> => {
    if (signal.aborted || !options.isLeading()) {
      return { ok: false, reason: 'NotSent', message: 'not sent: the pass was cancelled' };
    }
    const client = options.client(cluster);
    if (client === undefined) {
      return { ok: false, reason: 'NoClient', message: `no client for cluster "${cluster}"` };
    }
    try {
      return {
        ok: true,
        object: await options.circuits.write(cluster, signal, (scoped) => send(client, scoped)),
      };
    } catch (error) {
      const message = errorMessage(error);
      if (isWriteFenced(error)) return { ok: false, reason: 'NotSent', message };
      const code = error instanceof ApiError ? error.statusCode : undefined;
      if (isCancelled(signal)) return { ok: false, reason: 'Aborted', message };
      if (isNotFound(error)) return { ok: false, reason: 'NotFound', message };
      if (isAlreadyExists(error)) return { ok: false, reason: 'AlreadyExists', message };
      if (isTimeout(error)) return { ok: false, reason: 'ServerTimeout', message, code };
      return { ok: false, reason: 'Failed', message, code };
    }
  };
  return {
    create: (cluster, object, signal) =>
      call(cluster, signal, (c, signal) =>
        c.create(resource, object, { namespace: object.metadata?.namespace, signal }),
      ),
    update: (cluster, object, signal) =>
      call(cluster, signal, (c, signal) =>
        c.update(resource, object, { namespace: object.metadata?.namespace, signal }),
      ),
    delete: (cluster, target, deleteOptions, signal) =>
      call(cluster, signal, async (c, signal) => {
        await c.delete(resource, target.name, {
          namespace: target.namespace,
          signal,
          options: deleteOptions,
        });
        return undefined;
      }),
    removeManagedLabel: (cluster, target, signal) =>
      call(cluster, signal, (c, signal) =>
        c.patch(
          resource,
          target.name,
          { metadata: { labels: { [MANAGED_LABEL]: null } } },
          { namespace: target.namespace, signal, type: 'merge' },
        ),
      ),
    get: (cluster, target, signal) =>
      call(cluster, signal, (c, signal) =>
        c.get(resource, target.name, { namespace: target.namespace, signal }),
      ),
  };
}
