// Talking to a sandbox cluster as its admin, and waiting for it to answer. The CA only exists
// once kube-apiserver has written its serving bundle, so we wait for that file first, then for an
// authenticated `/readyz` = ok.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { caFromServingBundle } from './kubeconfig.ts';
import { isAlive, logTail } from './processes.ts';

export interface ProbeTarget {
  server: string;
  caPem: string;
  token: string;
}

/** GET `path` on the cluster; resolves to the status code and body, rejects on network errors. */
export function probe(
  target: ProbeTarget,
  path: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return apiRequest(target, 'GET', path, undefined, timeoutMs);
}

/** One request as the cluster's admin, with a JSON body if given; any status resolves. */
export function apiRequest(
  target: ProbeTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, target.server),
      {
        method,
        ca: target.caPem,
        headers: {
          Authorization: `Bearer ${target.token}`,
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function isReady(target: ProbeTarget): Promise<boolean> {
  try {
    const { status, body } = await probe(target, '/readyz');
    return status === 200 && body.trim() === 'ok';
  } catch {
    return false;
  }
}

export async function waitForServingCA(
  bundleFile: string,
  pid: number,
  log: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(bundleFile)) {
    assertRunning(pid, 'kube-apiserver', log);
    if (Date.now() > deadline)
      throw new Error(
        `kube-apiserver wrote no serving certificate within ${timeoutMs / 1000}s; log ${log}:\n${logTail(log)}`,
      );
    await sleep(100);
  }
  // The file may be written in two steps; wait until it parses.
  for (;;) {
    try {
      return caFromServingBundle(readFileSync(bundleFile, 'utf8'));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

export async function waitUntilReady(
  name: string,
  target: ProbeTarget,
  pid: number,
  log: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady(target))) {
    assertRunning(pid, `${name} kube-apiserver`, log);
    if (Date.now() > deadline) {
      throw new Error(
        `${name} did not answer /readyz within ${timeoutMs / 1000}s; log ${log}:\n${logTail(log)}`,
      );
    }
    await sleep(200);
  }
}

export function assertRunning(pid: number, what: string, log: string): void {
  if (!isAlive(pid))
    throw new Error(`${what} (pid ${pid}) exited; last lines of ${log}:\n${logTail(log)}`);
}
