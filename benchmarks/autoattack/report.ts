import { cpus, loadavg } from 'node:os';
import type { ModelRow } from './run-model.js';

export interface ReportInfo {
  started: Date;
  command: string;
  skipTorch?: string;
  threads: number;
  loadEnd: number[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const load = (l: [number, number]) => `${l[0]} → ${l[1]}`;

/** The markdown table of one run: seconds per image of each side and ours/PyTorch throughput. */
export function renderReport(rows: ModelRow[], info: ReportInfo): string {
  const out = [
    `## AutoAttack standard (L∞ 8/255), ${info.started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`${info.command}\` — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${info.threads} threads per side, load average (1 min) at the end ${loadavg()[0].toFixed(2)}.`,
    info.skipTorch ? `PyTorch column skipped: ${info.skipTorch}.` : '',
    '',
    '| model | images | side | wall s | s / image | clean | robust | load 1-min before → after | ran |',
    '|---|---:|---|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const order = r.oursFirst ? ['1st', '2nd'] : ['2nd', '1st'];
    out.push(`| ${r.model} | ${r.count} | @cnn/attacks tensorflow | ${r.ours.seconds.toFixed(1)} | ${(r.ours.seconds / r.count).toFixed(3)} | ${pct(r.ours.cleanAccuracy)} | ${pct(r.ours.robustAccuracy)} | ${load(r.ours.load)} | ${order[0]} |`);
    if (r.torch) {
      const t = r.torch;
      out.push(`| ${r.model} | ${r.count} | auto-attack PyTorch ${t.torch} | ${t.seconds.toFixed(1)} | ${(t.seconds / r.count).toFixed(3)} | ${pct(t.cleanAccuracy)} | ${pct(t.robustAccuracy)} | ${load(t.load)} | ${order[1]} |`);
    }
  }
  out.push('', '| model | ours / PyTorch throughput (PyTorch s ÷ ours s) | goal ≥ 0.8 |', '|---|---:|---|');
  for (const r of rows) {
    const ratio = r.torch ? r.torch.seconds / r.ours.seconds : undefined;
    out.push(`| ${r.model} | ${ratio === undefined ? `— (${r.torchError ?? info.skipTorch ?? 'no PyTorch run'})` : ratio.toFixed(2)} | ${ratio === undefined ? '' : ratio >= 0.8 ? 'met' : 'not met'} |`);
  }
  out.push('', 'Stages (robust accuracy after each, seconds):', '');
  for (const r of rows) {
    out.push(`- ${r.model}: ${r.weights}`, `  - ours: ${r.ours.stages.join(', ')}`);
    if (r.torch) out.push(`  - PyTorch: ${r.torch.log.filter((l) => /robust accuracy after/.test(l)).map((l) => l.replace('robust accuracy after ', '')).join(', ')}`);
  }
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n') + '\n';
}
