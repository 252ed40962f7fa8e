// The handling-time histogram behind the report's median and p90 (the lead's decision for issue 21: a million
// decisions in 2 s cannot sort every handling time). Buckets are one minute wide, centred on whole minutes, up to
// 49.5 minutes, then each 2 % wider than the last. A bucket's value is off by at most 30 s, or 1 % of the time, from
// any time in it; the percentile interpolates between two such values like percentile_cont, so it is off by at most
// 1 % + 30 s ≤ the larger of 2 % and 1 minute (handlingTimePrecision).

const minute = 60_000;
/** Where whole-minute buckets end and 2 % buckets begin (49.5 min: there 30 s is 1 %). */
const geometricFromMs = 49.5 * minute;
const minuteBuckets = 50;
const ratio = 1.02;

/** The bucket of a handling time in ms, as SQL over the expression `ms` (float8, ≥ 0). */
export function handlingBucketSql(ms: string): string {
  return `(CASE WHEN ${ms} < ${geometricFromMs} THEN floor(${ms} / ${minute} + 0.5) ELSE ${minuteBuckets} + floor(ln(${ms} / ${geometricFromMs}) / ln(${ratio})) END)::int`;
}

/** The value a bucket stands for: its whole minute, or the middle of its 2 % span. */
export function handlingBucketMs(bucket: number): number {
  if (bucket < minuteBuckets) return bucket * minute;
  return geometricFromMs * ratio ** (bucket - minuteBuckets) * ((1 + ratio) / 2);
}

/**
 * Continuous percentile p (0–1) of a histogram, as percentile_cont would give over the bucket values: linear between
 * the values at ranks floor and ceil of p × (n − 1). Whole ms; null for an empty histogram.
 */
export function histogramPercentile(buckets: ReadonlyMap<number, number>, p: number): number | null {
  const sorted = [...buckets].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = p * (total - 1);
  const at = (k: number): number => {
    let seen = 0;
    for (const [bucket, n] of sorted) {
      seen += n;
      if (k < seen) return handlingBucketMs(bucket);
    }
    return handlingBucketMs(sorted[sorted.length - 1]![0]);
  };
  const lo = at(Math.floor(rank));
  const hi = at(Math.ceil(rank));
  return Math.round(lo + (hi - lo) * (rank - Math.floor(rank)));
}
