// kubefed-webhook on loopback for integration tests: a serving certificate for 127.0.0.1 signed
// by a fresh CA, the webhook process, and its registration in the sandbox host with a URL
// clientConfig, limited to one namespace (the namespaced install's namespaceSelector) so that
// objects of other tests never reach it, even if a crashed run leaves it registered.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import {
  MUTATING_WEBHOOK_CONFIGURATION_NAME,
  VALIDATING_WEBHOOK_CONFIGURATION_NAME,
} from '../../src/apis/constants.ts';
import { makeServingCertificate } from '../../src/sandbox/certificates.ts';
import { freePorts } from '../../src/sandbox/ports.ts';
import { webhookConfigurations } from '../../src/webhook/registration.ts';
import { kubectl, repoRoot, type TestSandbox } from './fixture.ts';

export interface LocalWebhook {
  url: string;
  /** PEM of the CA the webhook's certificate is signed by. */
  caCert: string;
  /** Everything the webhook logged so far. */
  stderr(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts bin/kubefed-webhook.js on 127.0.0.1 and waits until `/readyz/` answers. */
export async function startLocalWebhook(args: readonly string[] = []): Promise<LocalWebhook> {
  const certDir = mkdtempSync(join(tmpdir(), 'kubefed-webhook-certs-'));
  const serving = makeServingCertificate('kubefed-webhook', ['127.0.0.1']);
  writeFileSync(join(certDir, 'tls.crt'), serving.cert);
  writeFileSync(join(certDir, 'tls.key'), serving.key, { mode: 0o600 });
  const [port = 0] = await freePorts(1);
  const child = spawn(
    process.execPath,
    [
      `${repoRoot}bin/kubefed-webhook.js`,
      `--cert-dir=${certDir}`,
      `--secure-port=${String(port)}`,
      '--bind-address=127.0.0.1',
      // Tests read fields of the lines as JSON; a later --logging-format in args wins.
      '--logging-format=json',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `https://127.0.0.1:${String(port)}`;
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    rmSync(certDir, { recursive: true, force: true });
    return code;
  };
  const deadline = Date.now() + 30_000;
  while (!(await isReady(url, serving.caCert))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`kubefed-webhook did not become ready at ${url}:\n${stderr}`);
    }
    await sleep(100);
  }
  return { url, caCert: serving.caCert, stderr: () => stderr, stop };
}

function isReady(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/readyz/`, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Registers `webhook` in the host for KubeFed objects of `namespace` (labelled `name=<ns>`). */
export async function registerLocalWebhook(
  sandbox: TestSandbox,
  webhook: LocalWebhook,
  namespace: string,
): Promise<void> {
  const { validating, mutating } = webhookConfigurations({
    kubefedNamespace: namespace,
    scope: 'Namespaced',
    endpoint: { url: webhook.url },
    caBundlePem: webhook.caCert,
  });
  await kubectl(
    sandbox,
    ['--context', 'host', 'apply', '-f', '-'],
    [validating, mutating].map((o) => stringify(o)).join('---\n'),
  );
}

/** Removes the registration of `namespace` (nothing to do when there is none). */
export async function unregisterLocalWebhook(
  sandbox: TestSandbox,
  namespace: string,
): Promise<void> {
  await kubectl(sandbox, [
    '--context',
    'host',
    'delete',
    `validatingwebhookconfiguration/${VALIDATING_WEBHOOK_CONFIGURATION_NAME}-${namespace}`,
    `mutatingwebhookconfiguration/${MUTATING_WEBHOOK_CONFIGURATION_NAME}-${namespace}`,
    '--ignore-not-found',
  ]);
}
