// Version information, printed by `kubefedctl version` and sent in the User-Agent. The version
// comes from package.json; a release build may add a `buildInfo` object there
// (`gitCommit`, `gitTreeState`, `buildDate`). Imported rather than read from disk, so that the
// single-file kubefedctl (scripts/build-kubefedctl.ts) carries it inside.
import manifestJson from '../../package.json' with { type: 'json' };

/** Go's version.Info, with the JSON names KubeFed uses. */
export interface VersionInfo {
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

// Go's GOARCH names, so that scripts parsing `Platform` see what they saw from Go KubeFed.
const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

let cached: VersionInfo | undefined;

export function versionInfo(): VersionInfo {
  if (cached) return cached;
  const manifest = manifestJson as { version?: unknown; buildInfo?: Record<string, unknown> };
  const build = manifest.buildInfo ?? {};
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const version = text(manifest.version) || '0.0.0';
  cached = {
    gitVersion: version.startsWith('v') ? version : `v${version}`,
    gitCommit: text(build['gitCommit']),
    gitTreeState: text(build['gitTreeState']),
    buildDate: text(build['buildDate']),
    // The runtime stands where Go's toolchain stood ("go1.19.3" there, "node24.21.0" here).
    goVersion: `node${process.versions.node}`,
    compiler: 'node',
    platform: `${process.platform}/${goArch[process.arch] ?? process.arch}`,
  };
  return cached;
}

/** Go's `%#v` of version.Info, as `kubefedctl version` prints it. */
export function formatVersionInfo(info: VersionInfo): string {
  const q = JSON.stringify;
  return (
    `version.Info{Version:${q(info.gitVersion)}, GitCommit:${q(info.gitCommit)}, ` +
    `GitTreeState:${q(info.gitTreeState)}, BuildDate:${q(info.buildDate)}, ` +
    `GoVersion:${q(info.goVersion)}, Compiler:${q(info.compiler)}, Platform:${q(info.platform)}}`
  );
}
