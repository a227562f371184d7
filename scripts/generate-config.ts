// `npm run generate`: writes config/ from the sources (the KubeFed CRDs and default KubeFedConfig
// from src/apis, the default types' EnableTypeDirectives from src/federation) and removes
// generated files that no longer have a source. Unit tests fail when config/ drifts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_CRD_DIR, renderConfigFiles } from '../src/apis/config-files.ts';
import {
  ENABLE_TYPE_DIRECTIVES_DIR,
  renderDefaultTypeDirectiveFiles,
} from '../src/federation/api-generation/type-config-defaults.ts';

const configDir = fileURLToPath(new URL('../config', import.meta.url));
const files = new Map([...renderConfigFiles(), ...renderDefaultTypeDirectiveFiles()]);

for (const generatedDir of [GENERATED_CRD_DIR, ENABLE_TYPE_DIRECTIVES_DIR]) {
  const dir = join(configDir, generatedDir);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (!files.has(`${generatedDir}/${name}`)) {
      rmSync(join(dir, name), { recursive: true });
      console.log(`removed config/${generatedDir}/${name}`);
    }
  }
}

for (const [path, content] of files) {
  const target = join(configDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(`wrote ${files.size} files under config/`);
