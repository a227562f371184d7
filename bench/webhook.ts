// What an admission costs (`npm run bench:webhook [-- --requests N --concurrency C]`): starts
// bin/kubefed-webhook.js on loopback as the apiserver would call it (HTTPS, keep-alive), posts
// AdmissionReviews of the three kinds (a bare KubeFedConfig to default, a FederatedTypeConfig and
// a KubeFedCluster to validate) one at a time for the latency, then C at a time for the
// throughput, and reads the webhook's CPU time and resident memory. No sandbox needed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sampleObjects } from '../src/apis/samples.ts';
import { makeServingCertificate } from '../src/sandbox/certificates.ts';
import { freePorts } from '../src/sandbox/ports.ts';
import { ADMISSION_PATHS } from '../src/webhook/admission.ts';
import { pool } from './pool.ts';
import { processCpuSeconds } from './process-cpu.ts';
import { round, spread } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

const samples = sampleObjects('kube-federation-system');
const sample = (kind: string): unknown => samples.find((o) => o.kind === kind);
const reviews = [
  [ADMISSION_PATHS.defaultConfigs, 'kubefedconfigs', { spec: { scope: 'Cluster' } }],
  [ADMISSION_PATHS.validateTypeConfigs, 'federatedtypeconfigs', sample('FederatedTypeConfig')],
  [ADMISSION_PATHS.validateClusters, 'kubefedclusters', sample('KubeFedCluster')],
].map(([path, resource, object], index) => ({
  path: path as string,
  body: JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `bench-${String(index)}`,
      resource: { group: 'core.kubefed.io', version: 'v1beta1', resource },
      operation: 'CREATE',
      namespace: 'kube-federation-system',
      name: 'bench',
      object,
    },
  }),
}));

const certDir = mkdtempSync(join(tmpdir(), 'kubefed-webhook-bench-'));
const serving = makeServingCertificate('kubefed-webhook', ['127.0.0.1']);
writeFileSync(join(certDir, 'tls.crt'), serving.cert);
writeFileSync(join(certDir, 'tls.key'), serving.key);
const [port = 0] = await freePorts(1);
const webhook = spawn(
  process.execPath,
  [
    `${root}bin/kubefed-webhook.js`,
    `--cert-dir=${certDir}`,
    `--secure-port=${String(port)}`,
    '--bind-address=127.0.0.1',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const agent = new Agent({ keepAlive: true, ca: serving.caCert, maxSockets: concurrency });

function post(path: string, body: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`${path}: HTTP ${String(res.statusCode)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function phase(count: number, inFlight: number): Promise<Record<string, unknown>> {
  const pid = webhook.pid ?? 0;
  const cpuBefore = processCpuSeconds(pid) ?? NaN;
  const latencies: number[] = [];
  const started = performance.now();
  await pool(
    Array.from({ length: count }, (_, i) => reviews[i % reviews.length]),
    inFlight,
    async (review) => {
      if (review) latencies.push(await post(review.path, review.body));
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = (processCpuSeconds(pid) ?? NaN) - cpuBefore;
  return {
    concurrency: inFlight,
    admissionsPerSecond: Math.round(count / seconds),
    latencyUs: spread(latencies.map((ms) => ms * 1000)),
    webhookCpuMsPerAdmission: round((cpu * 1000) / count, 3),
    webhookRssMiB: round(rssMiB(pid), 1),
  };
}

try {
  for (let ready = false; !ready;) {
    ready = await post('/readyz/', '').then(
      () => true,
      () => false,
    );
    if (!ready) await sleep(100);
    if (webhook.exitCode !== null) throw new Error('kubefed-webhook exited');
  }
  const idleRss = round(rssMiB(webhook.pid ?? 0), 1);
  await phase(300, concurrency); // warm-up: JIT, TLS sessions
  const serial = await phase(Math.min(requests, 1000), 1);
  const parallel = await phase(requests, concurrency);
  // Latencies are in microseconds (spread rounds to whole numbers).
  console.log(JSON.stringify({ requests, idleRssMiB: idleRss, serial, parallel }, null, 2));
} finally {
  agent.destroy();
  webhook.kill('SIGTERM');
  rmSync(certDir, { recursive: true, force: true });
}
