// The generated files under config/: rendered here so `npm run generate` writes them and a unit
// test can tell when the committed copies have drifted from the TypeScript source.
import { stringify } from 'yaml';
import { DEFAULT_KUBEFED_NAMESPACE, ResourceScope } from './constants.ts';
import { kubefedCRDs } from './crds.ts';
import { defaultKubeFedConfig } from './kubefedconfig.ts';

const HEADER = '# Generated from src/apis by `npm run generate`. Do not edit.\n';

/** Generated directory (relative to config/) whose every file `renderConfigFiles` owns. */
export const GENERATED_CRD_DIR = 'crds';

/**
 * Path relative to config/ → file content: one file per CRD under `crds/`, and the default
 * KubeFedConfig (`kubefedconfig.yaml`, cluster scope, in kube-federation-system).
 */
export function renderConfigFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const crd of kubefedCRDs()) {
    files.set(`${GENERATED_CRD_DIR}/${crd.metadata.name}.yaml`, renderYaml(crd));
  }
  files.set(
    'kubefedconfig.yaml',
    renderYaml(defaultKubeFedConfig(DEFAULT_KUBEFED_NAMESPACE, ResourceScope.Cluster)),
  );
  return files;
}

function renderYaml(document: unknown): string {
  // No anchors/aliases: kubectl and Helm users expect plain manifests.
  return HEADER + stringify(document, { aliasDuplicateObjects: false, lineWidth: 100 });
}
