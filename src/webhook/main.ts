// kubefed-webhook: KubeFed's admission webhooks (spec §11) over HTTPS. Stateless: every answer
// comes from the AdmissionReview alone, so it reads nothing from the API and any number of
// replicas may run. SIGTERM stops accepting connections and lets the requests in flight finish.
import { readFileSync } from 'node:fs';
import { errorMessage } from '../kube/errors.ts';
import { Logger } from '../runtime/logger.ts';
import { parseWebhookOptions, webhookUsage } from './options.ts';
import { startWebhookServer } from './server.ts';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

async function main(argv: string[]): Promise<number> {
  const options = parseWebhookOptions(argv);
  if (options.help) {
    process.stdout.write(webhookUsage);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`kubefed-webhook version: ${version}\n`);
    return 0;
  }
  const logger = new Logger({ verbosity: options.verbosity, format: options.loggingFormat });
  logger.info(`KubeFed webhook version: ${version}`);
  if (options.kubeconfig !== undefined || options.master !== undefined) {
    logger.info('Not using --kubeconfig or --master: the webhook needs no API access');
  }
  const server = await startWebhookServer({
    certDir: options.certDir,
    host: options.bindAddress,
    port: options.securePort,
    logger,
  });
  logger.info('Serving admission webhooks', { url: server.url, certDir: options.certDir });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info(`Received ${signal}, shutting down`);
  await server.close();
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`Error: ${errorMessage(error)}`);
  process.exitCode = 1;
}
