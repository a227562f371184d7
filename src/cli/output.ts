// Printing objects for `-o yaml|json` and `--dry-run`: multi-document YAML, or a JSON `List`.
import { stringify } from 'yaml';
import type { OutputFormat } from './flags.ts';
import type { KubeObject } from '../json/object.ts';

export function renderObjects(objects: readonly KubeObject[], format: OutputFormat): string {
  if (format === 'json') {
    const list = { apiVersion: 'v1', kind: 'List', metadata: {}, items: objects };
    return `${JSON.stringify(list, null, 2)}\n`;
  }
  return objects.map((obj) => `---\n${renderYaml(obj)}`).join('');
}

function renderYaml(obj: KubeObject): string {
  // No line folding (CRD descriptions are long) and no anchors for shared sub-objects: the
  // output must read like kubectl's and round-trip through any YAML tool.
  return stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false });
}
