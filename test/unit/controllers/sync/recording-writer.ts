// An in-memory MemberWriter for sync controller tests: records every call and answers it from a
// function of the call, so a test says per cluster and method what the member answers.
import type { MemberWriter, TargetName } from '../../../../src/controllers/sync/member-writer.ts';
import type { MemberCallResult } from '../../../../src/federation/propagation/member-results.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import type { DeleteOptions } from '../../../../src/kube/client.ts';

export type WriterMethod = keyof MemberWriter;

export interface WriterCall {
  method: WriterMethod;
  cluster: string;
  /** What create and update send. */
  object?: KubeObject | undefined;
  /** What delete, removeManagedLabel and get address. */
  target?: TargetName | undefined;
  options?: DeleteOptions | undefined;
  /** The signal had ended when the call came: a real writer sends nothing then. */
  signalAborted: boolean;
}

export type WriterAnswer = (
  call: WriterCall,
  signal: AbortSignal,
) => MemberCallResult | Promise<MemberCallResult>;

/** Answers from a table of cluster → method → result; anything else succeeds, echoing the object. */
export function answers(
  table: Record<string, Partial<Record<WriterMethod, MemberCallResult>>>,
): WriterAnswer {
  return (call) => table[call.cluster]?.[call.method] ?? { ok: true, object: call.object };
}

export class RecordingWriter implements MemberWriter {
  readonly calls: WriterCall[] = [];
  readonly #answer: WriterAnswer;

  constructor(answer: WriterAnswer = answers({})) {
    this.#answer = answer;
  }

  /** The calls that would have reached a member: made while the signal was still live. */
  get sent(): WriterCall[] {
    return this.calls.filter((call) => !call.signalAborted);
  }

  create(cluster: string, object: KubeObject, signal: AbortSignal): Promise<MemberCallResult> {
    return this.#call({ method: 'create', cluster, object }, signal);
  }

  update(cluster: string, object: KubeObject, signal: AbortSignal): Promise<MemberCallResult> {
    return this.#call({ method: 'update', cluster, object }, signal);
  }

  delete(
    cluster: string,
    target: TargetName,
    options: DeleteOptions | undefined,
    signal: AbortSignal,
  ): Promise<MemberCallResult> {
    return this.#call({ method: 'delete', cluster, target, options }, signal);
  }

  removeManagedLabel(
    cluster: string,
    target: TargetName,
    signal: AbortSignal,
  ): Promise<MemberCallResult> {
    return this.#call({ method: 'removeManagedLabel', cluster, target }, signal);
  }

  get(cluster: string, target: TargetName, signal: AbortSignal): Promise<MemberCallResult> {
    return this.#call({ method: 'get', cluster, target }, signal);
  }

  async #call(
    fields: Omit<WriterCall, 'signalAborted'>,
    signal: AbortSignal,
  ): Promise<MemberCallResult> {
    const call: WriterCall = { ...fields, signalAborted: signal.aborted };
    this.calls.push(call);
    // The MemberWriter contract: nothing is sent once the pass is cancelled.
    if (signal.aborted) return { ok: false, reason: 'Aborted', message: 'not sent' };
    return this.#answer(call, signal);
  }
}
