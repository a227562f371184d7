// Samples of one metric from Prometheus' text exposition format, as an apiserver's and the
// controller manager's `GET /metrics` serve it. Pure.

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of `name` (exactly that name: a histogram's `_sum` and `_count` are names of their own). */
export function samples(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const end = rest[0] === '{' ? rest.lastIndexOf('}') : 0;
    const labels = Object.fromEntries(
      [...rest.slice(0, end).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    found.push({
      labels,
      value: Number(
        rest
          .slice(end + 1)
          .trim()
          .split(' ')[0],
      ),
    });
  }
  return found;
}

/** The sum of the samples of `name` that carry every label of `match`; 0 when there are none. */
export function sampleSum(text: string, name: string, match: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
