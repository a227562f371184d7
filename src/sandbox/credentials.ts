// Per-cluster credentials the sandbox generates: the service-account signing key pair and a
// static admin token (group system:masters) for the kubeconfig and the controller manager.
// The serving certificate and its CA are made by kube-apiserver itself (--cert-dir).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ClusterPaths } from './layout.ts';

export function writeClusterCredentials(paths: ClusterPaths, clusterName: string): string {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(paths.serviceAccountKey, privateKey, { mode: 0o600 });
  writeFileSync(paths.serviceAccountPub, publicKey);
  const token = randomBytes(24).toString('hex');
  // token,user,uid,"group1,group2"
  writeFileSync(
    paths.tokenFile,
    `${token},${clusterName}-admin,${clusterName}-admin,"system:masters"\n`,
    {
      mode: 0o600,
    },
  );
  return token;
}
