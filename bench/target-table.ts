// Prints issue 12's target table from the figures bench/targets.ts measured: each figure, its target,
// and whether this run met it. Ratios are taken within the same run.
import type { LongRun } from './targets.ts';

export interface TargetFigures {
  first: { wallMs: number; cpuMs: number };
  /** The same without the provider code cache (the first run after an install). */
  cold: { wallMs: number; cpuMs: number };
  /** 3-command task wall / `node -e 0`, both medians of this run. */
  ratio: number;
  /** The run with the median growth of several, and every run's growth. */
  long: (LongRun & { growths: number[] })[];
  installMb: number;
}

export function printTargets({ first, cold, ratio, long, installMb }: TargetFigures): void {
  const rows: [string, string, string, boolean][] = [
    [
      'process start → first request',
      `${first.wallMs.toFixed(0)} ms (main thread CPU ${first.cpuMs.toFixed(0)} ms; no code cache yet: ${cold.wallMs.toFixed(0)} ms)`,
      '≤ 100 ms',
      first.wallMs <= 100,
    ],
    ['3-command task wall vs node -e 0', `${ratio.toFixed(1)}×`, '≤ 6×', ratio <= 6],
  ];
  for (const r of long) {
    const growth = r.lateGapMs / r.earlyGapMs;
    rows.push(
      [
        `per-turn overhead, turns 190–200 vs 1–10 (${r.label})`,
        `${growth.toFixed(2)}× (${r.lateGapMs.toFixed(1)} vs ${r.earlyGapMs.toFixed(1)} ms; request to request, with the fake server's parse: ${r.lateArrivalGapMs.toFixed(1)} vs ${r.earlyArrivalGapMs.toFixed(1)} ms; median of ${r.growths.map((g) => `${g.toFixed(2)}×`).join(', ')})`,
        '≤ 1.2×, and ≤ 15 ms',
        growth <= 1.2 && r.lateGapMs <= 15,
      ],
      [
        `peak RSS after 200 turns (${r.label})`,
        `${r.peakRssMb.toFixed(0)} MB, the largest of ${r.growths.length} runs (CPU ${(r.cpuMs / 1000).toFixed(1)} s, ${r.summaries} summaries)`,
        '≤ 100 MB',
        r.peakRssMb <= 100,
      ],
    );
  }
  rows.push(['global install size', `${installMb.toFixed(1)} MB`, '≤ 30 MB', installMb <= 30]);
  console.log('targets (issue 12)');
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [name, value, target, met] of rows) {
    console.log(`  ${name.padEnd(w0)}  ${value.padEnd(w1)}  target ${target}  ${met ? 'met' : 'NOT met'}`);
  }
}
