// Loads the reference fixtures for tests (not exported from the package).
import { readFileSync } from 'node:fs';

export interface CeEntry {
  args: { p: number; debias: boolean; bins: number; binning: 'equal-mass' | 'equal-width'; mode: 'marginal' | 'top-label' };
  value?: number;
  error?: string;
  stochastic?: boolean;
}
export interface MetricEntry {
  args: { bins: number; binning: 'equal-mass' | 'equal-width'; mode: 'marginal' | 'top-label' };
  value: number;
}
export interface FixtureCase {
  name: string;
  probs: number[][] | number[];
  labels: number[];
  ce: CeEntry[];
  ece: MetricEntry[];
  mce: MetricEntry[];
  scores: { brier: number; nll: number | 'Infinity'; accuracy: number };
  edges?: { column: number; bins: number; edges: number[] }[];
  rawSquared?: number;
}
export interface BinRow {
  count: number;
  confidence?: number;
  accuracy?: number;
}
export interface Fixtures {
  cases: FixtureCase[];
  diagram: { case: string; equalWidth10: BinRow[]; equalMass8: BinRow[]; equalMass8Edges: number[] };
  calibrators: {
    name: string;
    bins: number;
    fitProbs: number[][];
    fitLabels: number[];
    testProbs: number[][];
    results: { kind: 'histogram' | 'scaling-binning'; mode: 'top-label' | 'marginal'; output: number[] | number[][] }[];
    plattTop?: { a: number; b: number };
  }[];
  torchmetrics: {
    probs: number[][];
    labels: number[];
    results: { bins: number; norm: 'l1' | 'max'; value: number; kumar: number }[];
    binary: { probs: number[]; labels: number[]; l1: number; kumar: number };
  };
}

export function loadFixtures(): Fixtures {
  return JSON.parse(readFileSync(new URL('../fixtures/reference-fixtures.json', import.meta.url), 'utf8')) as Fixtures;
}

/** |a − b| <= tol · max(1, |b|). */
export function close(a: number, b: number, tol = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
