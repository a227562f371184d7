// `npm run generate`: writes config/ from the sources (the KubeFed CRDs and default KubeFedConfig
// from src/apis, the default types' EnableTypeDirectives from src/federation) and the Helm chart's
// generated files (charts/kubefed: CRDs, default FederatedTypeConfigs), and removes generated
// files that no longer have a source. Unit tests fail when config/ or the chart drifts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_CRD_DIR, renderConfigFiles } from '../src/apis/config-files.ts';
import { CHART_CRD_DIR, renderChartFiles } from '../src/chart/chart-files.ts';
import {
  ENABLE_TYPE_DIRECTIVES_DIR,
  renderDefaultTypeDirectiveFiles,
} from '../src/federation/api-generation/type-config-defaults.ts';

/** Writes `files` (path relative to `root` → content) after removing the files of
 * `generatedDirs` that are no longer among them. */
function writeGenerated(root: string, generatedDirs: string[], files: Map<string, string>): void {
  const shown = relative(process.cwd(), root);
  for (const generatedDir of generatedDirs) {
    const dir = join(root, generatedDir);
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (!files.has(`${generatedDir}/${name}`)) {
        rmSync(join(dir, name), { recursive: true });
        console.log(`removed ${shown}/${generatedDir}/${name}`);
      }
    }
  }
  for (const [path, content] of files) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  console.log(`wrote ${files.size} files under ${shown}/`);
}

writeGenerated(
  fileURLToPath(new URL('../config', import.meta.url)),
  [GENERATED_CRD_DIR, ENABLE_TYPE_DIRECTIVES_DIR],
  new Map([...renderConfigFiles(), ...renderDefaultTypeDirectiveFiles()]),
);
writeGenerated(
  fileURLToPath(new URL('../charts/kubefed', import.meta.url)),
  [CHART_CRD_DIR],
  renderChartFiles(),
);
