// charts/kubefed's CRDs and default FederatedTypeConfigs are generated from src/; this fails when
// someone changed one without the other.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHART_CRD_DIR, renderChartFiles } from '../../../src/chart/chart-files.ts';

const chartDir = fileURLToPath(new URL('../../../charts/kubefed', import.meta.url));
const hint = 'charts/kubefed is out of date with src/: run `npm run generate`';

describe('generated files of charts/kubefed', () => {
  const expected = renderChartFiles();

  it(`holds exactly the generated files under ${CHART_CRD_DIR}/`, () => {
    const present = readdirSync(join(chartDir, CHART_CRD_DIR)).map(
      (name) => `${CHART_CRD_DIR}/${name}`,
    );
    const wanted = [...expected.keys()].filter((path) => path.startsWith(`${CHART_CRD_DIR}/`));
    assert.deepEqual(present.sort(), wanted.sort(), hint);
  });

  it('has a CRD for every KubeFed API and every default federated type', () => {
    const crds = [...expected.keys()].filter((path) => path.startsWith(`${CHART_CRD_DIR}/`));
    assert.ok(crds.includes('crds/kubefedconfigs.core.kubefed.io.yaml'));
    assert.ok(crds.includes('crds/federateddeployments.types.kubefed.io.yaml'));
    assert.equal(crds.filter((path) => path.endsWith('.types.kubefed.io.yaml')).length, 10);
  });

  it('templates the default FederatedTypeConfigs into the release namespace', () => {
    const template = expected.get('templates/federatedtypeconfigs.yaml') ?? '';
    assert.equal(template.match(/^kind: FederatedTypeConfig$/gm)?.length, 10);
    assert.equal(template.match(/^ {2}namespace: \{\{ \.Release\.Namespace \}\}$/gm)?.length, 10);
  });

  for (const [path, content] of expected) {
    it(`charts/kubefed/${path} matches its source`, () => {
      const file = join(chartDir, path);
      assert.ok(existsSync(file), `charts/kubefed/${path} is missing; ${hint}`);
      assert.ok(readFileSync(file, 'utf8') === content, `charts/kubefed/${path} differs; ${hint}`);
    });
  }
});
