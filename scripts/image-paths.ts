// Where `npm run image` (scripts/image.ts) writes the image and keeps buildah's storage; read by
// the image's check (test/image/container-image.check.ts) too.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The cache the sandbox's builds use too (hack/build-lib.sh). */
const cacheDir =
  process.env['KUBEFED_CACHE_DIR'] ??
  join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kubefed-ts');

export const imageName = (version: string): string => `kubefed-ts:${version}`;

export const imageArchivePath = (version: string): string =>
  join(root, 'dist', `kubefed-ts-${version}.oci.tar`);

/** buildah's global flags for a private store: vfs works as root without a daemon or fuse. */
export function imageStorageFlags(name = 'image-build'): string[] {
  return [
    `--root=${join(cacheDir, name, 'storage')}`,
    `--runroot=${join(cacheDir, name, 'run')}`,
    '--storage-driver=vfs',
  ];
}
