// `npm run generate`: writes config/ from src/apis (CRDs and the default KubeFedConfig) and
// removes generated CRD files that no longer have a source.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_CRD_DIR, renderConfigFiles } from '../src/apis/config-files.ts';

const configDir = fileURLToPath(new URL('../config', import.meta.url));
const files = renderConfigFiles();

const crdDir = join(configDir, GENERATED_CRD_DIR);
mkdirSync(crdDir, { recursive: true });
for (const name of readdirSync(crdDir)) {
  if (!files.has(`${GENERATED_CRD_DIR}/${name}`)) {
    rmSync(join(crdDir, name), { recursive: true });
    console.log(`removed config/${GENERATED_CRD_DIR}/${name}`);
  }
}

for (const [path, content] of files) {
  const target = join(configDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(`wrote ${files.size} files under config/`);
