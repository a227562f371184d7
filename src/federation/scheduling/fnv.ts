// FNV-1 32-bit (Go's `hash/fnv` New32, not New32a). The planner orders clusters of equal weight by
// this hash; it must be KubeFed's hash, or taking over from a Go KubeFed would move replicas.

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1 32-bit over the UTF-8 bytes of `parts`, one after the other. */
export function fnv1Hash32(...parts: readonly string[]): number {
  let hash = OFFSET_BASIS;
  for (const part of parts) {
    for (const byte of utf8.encode(part)) hash = Math.imul(hash, PRIME) ^ byte;
  }
  return hash >>> 0;
}
