// The generated files of the Helm chart (charts/kubefed): its CRDs (KubeFed's own and the
// federated types of the defaults) and the template of the default FederatedTypeConfigs, rendered
// from the same sources as config/ so `npm run generate` writes them and a unit test tells when
// the committed copies have drifted.
import { stringify } from 'yaml';
import { kubefedCRDs } from '../apis/crds.ts';
import {
  DEFAULT_FEDERATED_TYPES,
  generateDefaultFederatedType,
} from '../federation/api-generation/type-config-defaults.ts';

/** Generated directory (relative to the chart) whose every file `renderChartFiles` owns. */
export const CHART_CRD_DIR = 'crds';
export const CHART_TYPE_CONFIGS_TEMPLATE = 'templates/federatedtypeconfigs.yaml';

const HEADER = '# Generated from src/apis and src/federation by `npm run generate`. Do not edit.\n';
// Rendered with this namespace, then replaced by the release's: Helm's syntax is not YAML.
const NAMESPACE_PLACEHOLDER = 'release-namespace-placeholder';

/** Path relative to charts/kubefed → file content. */
export function renderChartFiles(): Map<string, string> {
  const defaults = DEFAULT_FEDERATED_TYPES.map((type) =>
    generateDefaultFederatedType(type, NAMESPACE_PLACEHOLDER),
  );
  const files = new Map<string, string>();
  for (const crd of [...kubefedCRDs(), ...defaults.map((d) => d.crd)]) {
    files.set(`${CHART_CRD_DIR}/${crd.metadata.name}.yaml`, HEADER + renderYaml(crd));
  }
  const typeConfigs = defaults
    .map((d) =>
      renderYaml(d.typeConfig).replaceAll(NAMESPACE_PLACEHOLDER, '{{ .Release.Namespace }}'),
    )
    .join('---\n');
  files.set(
    CHART_TYPE_CONFIGS_TEMPLATE,
    `${HEADER}# The default federated types (spec 14), enabled as \`kubefedctl enable\` does.\n` +
      typeConfigs,
  );
  return files;
}

function renderYaml(document: unknown): string {
  // No anchors/aliases: kubectl and Helm users expect plain manifests.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 100 });
}
