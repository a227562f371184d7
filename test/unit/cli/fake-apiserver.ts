// Just enough of an API server for `init` tests: an in-memory store for CRDs, namespaces and
// KubeFedConfigs behind a real node:http server. Integration tests run against kube-apiserver.
import { startServer, statusReply } from '../kube/test-server.ts';
import type { RecordedRequest, Reply, TestServer } from '../kube/test-server.ts';

export interface FakeApiServerOptions {
  /** GETs of a CRD answered before it reports Established=True (Infinity: never). */
  establishAfterGets?: number;
  /** CRD names whose names the server refuses (NamesAccepted=False). */
  rejectedNames?: string[];
}

export interface FakeApiServer extends TestServer {
  objects: Map<string, Record<string, unknown>>;
  writes(): string[];
}

const crdPrefix = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/';

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const objects = new Map<string, Record<string, unknown>>();
  const crdGets = new Map<string, number>();
  const establishAfter = options.establishAfterGets ?? 1;

  const crdServed = (group: string, plural: string): boolean =>
    objects.has(`${crdPrefix}${plural}.${group}`);

  function handle(req: RecordedRequest): Reply {
    const path = req.url.pathname;
    if (path.startsWith(crdPrefix)) {
      const name = path.slice(crdPrefix.length);
      if (req.method === 'PATCH') {
        if (req.headers['content-type'] !== 'application/apply-patch+yaml') return statusReply(415, 'UnsupportedMediaType', 'apply only');
        if (req.url.searchParams.get('fieldManager') !== 'kubefedctl' || req.url.searchParams.get('force') !== 'true') {
          return statusReply(409, 'Conflict', 'Apply failed with 1 conflict');
        }
        const created = !objects.has(path);
        objects.set(path, JSON.parse(req.body) as Record<string, unknown>);
        return { status: created ? 201 : 200, body: objects.get(path) };
      }
      const crd = objects.get(path);
      if (!crd) return statusReply(404, 'NotFound', `customresourcedefinitions.apiextensions.k8s.io "${name}" not found`, { name });
      const gets = (crdGets.get(name) ?? 0) + 1;
      crdGets.set(name, gets);
      const conditions = [
        options.rejectedNames?.includes(name)
          ? { type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict', message: '"FooList" is already in use' }
          : { type: 'NamesAccepted', status: 'True' },
        { type: 'Established', status: gets > establishAfter && !options.rejectedNames?.includes(name) ? 'True' : 'False' },
      ];
      return { body: { ...crd, status: { conditions } } };
    }

    const nsMatch = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(path);
    if (nsMatch) return crud(req, path, nsMatch[1], 'namespaces', '');

    const kfcMatch = /^\/apis\/core\.kubefed\.io\/v1beta1\/namespaces\/([^/]+)\/kubefedconfigs(?:\/([^/]+))?$/.exec(path);
    if (kfcMatch) {
      if (!crdServed('core.kubefed.io', 'kubefedconfigs')) {
        return statusReply(404, 'NotFound', 'the server could not find the requested resource');
      }
      if (!objects.has(`/api/v1/namespaces/${kfcMatch[1] ?? ''}`)) {
        return statusReply(404, 'NotFound', `namespaces "${kfcMatch[1] ?? ''}" not found`, { name: kfcMatch[1], kind: 'namespaces' });
      }
      return crud(req, path, kfcMatch[2], 'kubefedconfigs', 'core.kubefed.io');
    }
    return statusReply(404, 'NotFound', 'the server could not find the requested resource');
  }

  function crud(req: RecordedRequest, path: string, name: string | undefined, resource: string, group: string): Reply {
    const qualified = group ? `${resource}.${group}` : resource;
    if (req.method === 'GET' && name) {
      const obj = objects.get(path);
      return obj ? { body: obj } : statusReply(404, 'NotFound', `${qualified} "${name}" not found`, { name, kind: resource });
    }
    if (req.method === 'POST' && !name) {
      const obj = JSON.parse(req.body) as { metadata: { name: string } };
      const key = `${path}/${obj.metadata.name}`;
      if (objects.has(key)) {
        return statusReply(409, 'AlreadyExists', `${qualified} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: resource });
      }
      objects.set(key, obj);
      return { status: 201, body: obj };
    }
    return statusReply(405, 'MethodNotAllowed', 'not supported by the fake');
  }

  const server = await startServer(handle);
  return {
    ...server,
    objects,
    writes: () => server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url.pathname}`),
  };
}
