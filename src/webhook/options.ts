// kubefed-webhook flags (spec §11), parsed into plain options. Pure.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLogFormat, type LogFormat } from '../runtime/logger.ts';

export interface WebhookOptions {
  certDir: string;
  securePort: number;
  bindAddress: string;
  kubeconfig?: string;
  master?: string;
  verbosity: number;
  loggingFormat: LogFormat;
  version: boolean;
  help: boolean;
}

/** controller-runtime's default, which KubeFed's webhook keeps. */
export const DEFAULT_CERT_DIR = join(tmpdir(), 'k8s-webhook-server', 'serving-certs');

export const webhookUsage = `Usage: kubefed-webhook [flags]

Serves KubeFed's admission webhooks over HTTPS: validation of FederatedTypeConfigs,
KubeFedClusters and KubeFedConfigs, and defaulting of KubeFedConfigs. It needs no access to
the API: the apiserver sends it each object.

Flags:
  --cert-dir DIR             directory holding the serving certificate tls.crt and its key
                             tls.key, served again when they change (default ${DEFAULT_CERT_DIR})
  --secure-port N            HTTPS port (default 8443)
  --bind-address IP          address to listen on (default 0.0.0.0)
  --kubeconfig PATH          accepted for compatibility with KubeFed's webhook; not used
  --master URL               accepted for compatibility with KubeFed's webhook; not used
  --v N                      log verbosity: 2 logs each refusal, 4 each admission (default 0)
  --logging-format FORMAT    text (default: klog's format, as Kubernetes components write it) or
                             json (one object per line)
  --version                  print the version and exit
`;

export function parseWebhookOptions(argv: string[]): WebhookOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'cert-dir': { type: 'string', default: DEFAULT_CERT_DIR },
      'secure-port': { type: 'string', default: '8443' },
      'bind-address': { type: 'string', default: '0.0.0.0' },
      kubeconfig: { type: 'string' },
      master: { type: 'string' },
      v: { type: 'string', default: '0' },
      'logging-format': { type: 'string', default: 'text' },
      version: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = Number(values['secure-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--secure-port must be a port number (0-65535), got "${values['secure-port']}"`,
    );
  }
  const verbosity = Number(values.v);
  if (!Number.isInteger(verbosity) || verbosity < 0) {
    throw new Error(`--v must be a whole number >= 0, got "${values.v}"`);
  }
  const format = parseLogFormat(values['logging-format']);
  if (values['cert-dir'] === '') throw new Error('--cert-dir must not be empty');
  const options: WebhookOptions = {
    certDir: values['cert-dir'],
    securePort: port,
    bindAddress: values['bind-address'],
    verbosity,
    loggingFormat: format,
    version: values.version,
    help: values.help,
  };
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  if (values.master !== undefined) options.master = values.master;
  return options;
}
