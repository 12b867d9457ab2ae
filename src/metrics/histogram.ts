import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Latency histograms in microseconds: 1 µs to one hour, 3 significant digits (HdrHistogram). */
export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): Histogram {
  const out = newHistogram();
  out.add(hdr.decodeFromCompressedBase64(s));
  return out;
}

/** Records a latency, clamped into the trackable range. */
export function recordLatency(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : us > 3_600_000_000 ? 3_600_000_000 : Math.round(us));
}
