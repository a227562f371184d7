// config/ is generated from src/apis; this fails when someone changed one without the other.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GENERATED_CRD_DIR, renderConfigFiles } from '../../../src/apis/config-files.ts';

const configDir = fileURLToPath(new URL('../../../config', import.meta.url));
const hint = 'config/ is out of date with src/apis: run `npm run generate`';

describe('generated config/', () => {
  const expected = renderConfigFiles();

  it(`holds exactly the generated files under ${GENERATED_CRD_DIR}/`, () => {
    const crdDir = join(configDir, GENERATED_CRD_DIR);
    const present = existsSync(crdDir)
      ? readdirSync(crdDir).map((name) => `${GENERATED_CRD_DIR}/${name}`)
      : [];
    const wanted = [...expected.keys()].filter((path) => path.startsWith(`${GENERATED_CRD_DIR}/`));
    assert.deepEqual(present.sort(), wanted.sort(), hint);
  });

  for (const [path, content] of expected) {
    it(`config/${path} matches its source`, () => {
      const file = join(configDir, path);
      assert.ok(existsSync(file), `config/${path} is missing; ${hint}`);
      assert.ok(readFileSync(file, 'utf8') === content, `config/${path} differs; ${hint}`);
    });
  }
});
