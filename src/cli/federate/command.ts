// `kubefedctl federate TYPE NAME` and `kubefedctl federate -f FILE` (spec §13.6).
import { readFileSync } from 'node:fs';
import { describeFsError } from '../../kube/kubeconfig.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CommandDefinition } from '../command.ts';
import { hostClusterFlags, kubefedNamespace, outputFormat } from '../flags.ts';
import type { OutputFormat } from '../flags.ts';
import { hostClusterClient } from '../host-client.ts';
import { renderObjects } from '../output.ts';
import { namespaceFlag, targetNamespace } from '../target-namespace.ts';
import { convertOffline, parseSkipList, parseTargetObjects } from './conversion.ts';
import { collectArtifacts, createArtifacts } from './federate.ts';

export const federateCommand: CommandDefinition = {
  name: 'federate',
  summary: 'Federate an existing object of the host: create its Federated<Kind> object',
  description:
    'Federate an object of the host cluster: create the federated object (Federated<Kind>) whose\n' +
    'template is the object and whose placement selects every member cluster. TYPE is a plural,\n' +
    'singular, kind or short name, or <plural>.<group>. With --contents a namespace is federated\n' +
    'together with its objects of every namespaced type. With -o the federated objects are\n' +
    'printed instead of created; with -f the objects of a file (or - for stdin) are converted\n' +
    'offline, without a cluster, and printed.',
  usage: '(TYPE NAME | -f FILE) [flags]',
  positionals: { min: 0, max: 2 },
  flags: {
    ...hostClusterFlags,
    ...namespaceFlag,
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FORMAT',
      description: 'Print the federated objects as yaml or json instead of creating them',
    },
    'enable-type': {
      type: 'boolean',
      short: 't',
      description: 'Enable federation of the type first if it has no FederatedTypeConfig',
    },
    contents: {
      type: 'boolean',
      short: 'c',
      description: 'With a namespace: also federate the objects it contains',
    },
    'skip-api-resources': {
      type: 'string',
      short: 's',
      valueName: 'NAMES',
      description:
        'With --contents: comma-separated types to leave out (short name, kind, plural, <plural>.<group> or a whole group)',
    },
    filename: {
      type: 'string',
      short: 'f',
      valueName: 'FILE',
      description:
        'Convert the objects of FILE (- for stdin) offline and print them; no cluster is used',
    },
  },
  examples: [
    'kubefedctl federate configmaps web-config -n web',
    'kubefedctl federate deployments.apps web -n web -o yaml',
    'kubefedctl federate namespace web --contents --skip-api-resources secrets,serviceaccounts',
    'kubectl get configmap web-config -n web -o yaml | kubefedctl federate -f -',
  ],
  async run({ flags, positionals, io }) {
    const file = stringFlag(flags, 'filename');
    if (file !== undefined) {
      if (positionals.length > 0) {
        throw new UsageError(
          `-f converts the objects of a file and takes no TYPE NAME (got ${positionals.map((p) => `"${p}"`).join(' ')})`,
        );
      }
      io.stdout(convertFile(file, outputFormat(flags) ?? 'yaml', (text) => io.stderr(text)));
      return;
    }

    const [typeName, objectName] = positionals;
    if (typeName === undefined || objectName === undefined) {
      throw new UsageError('name the TYPE and NAME of the object to federate, or pass -f FILE');
    }
    const format = outputFormat(flags);
    const enableType = booleanFlag(flags, 'enable-type');
    if (enableType && format !== undefined) {
      throw new UsageError(
        '--enable-type cannot be combined with --output: -o prints and enables nothing',
      );
    }
    const contents = booleanFlag(flags, 'contents');
    const skip = parseSkipList(stringFlag(flags, 'skip-api-resources'));
    if (!contents && skip.length > 0) {
      throw new UsageError('--skip-api-resources is only valid with --contents');
    }
    const kfns = kubefedNamespace(flags);
    const namespace = targetNamespace(flags, io);
    const dryRun = booleanFlag(flags, 'dry-run');
    const warn = (message: string): void => io.stderr(`Warning: ${message}\n`);

    const client = hostClusterClient(flags, io);
    try {
      const artifacts = await collectArtifacts(client, typeName, objectName, {
        kubefedNamespace: kfns,
        namespace,
        enableType,
        printOnly: format !== undefined,
        contents,
        skip,
        warn,
      });
      if (format !== undefined) {
        const objects = artifacts.flatMap((a) => a.conversions.map((c) => c.federated));
        io.stdout(renderObjects(objects, format));
        return;
      }
      await createArtifacts(client, artifacts, {
        kubefedNamespace: kfns,
        dryRun,
        out: (text) => io.stdout(text),
      });
    } finally {
      await client.close();
    }
  },
};

function convertFile(file: string, format: OutputFormat, stderr: (text: string) => void): string {
  const source = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${source}: ${describeFsError(err)}`, { cause: err });
  }
  const conversions = convertOffline(parseTargetObjects(text, source));
  if (conversions.length === 0) throw new Error(`${source}: no objects to federate`);
  for (const { warnings } of conversions) {
    for (const warning of warnings) stderr(`Warning: ${warning}\n`);
  }
  return renderObjects(
    conversions.map((c) => c.federated),
    format,
  );
}
