// The kubeconfig the sandbox writes: one context per cluster with admin credentials and the
// cluster's real CA, so kubectl verifies TLS as it would against any real cluster.
import { stringify } from 'yaml';

export interface KubeconfigEntry {
  name: string;
  server: string;
  caPem: string;
  token: string;
}

export function renderKubeconfig(entries: KubeconfigEntry[], currentContext: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': currentContext,
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: {
        server: e.server,
        'certificate-authority-data': Buffer.from(e.caPem).toString('base64'),
      },
    })),
    users: entries.map((e) => ({ name: `${e.name}-admin`, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.name,
      context: { cluster: e.name, user: `${e.name}-admin` },
    })),
  });
}

/**
 * kube-apiserver's self-signed serving bundle is the serving certificate followed by the CA that
 * signed it; clients must trust the CA, which is the last certificate of the bundle.
 */
export function caFromServingBundle(bundlePem: string): string {
  const certs = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const last = certs?.at(-1);
  if (!last) throw new Error('no certificate found in the apiserver serving bundle');
  return last + '\n';
}
