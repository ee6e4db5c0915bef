import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

export interface TorchRun {
  seconds: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  torch: string;
  threads: number;
  /** auto-attack's own log lines (stage accuracies). */
  log: string[];
}

/** Why the PyTorch column cannot run, or undefined when it can. */
export function torchUnavailable(refDir: string | undefined): string | undefined {
  if (!refDir) return 'no auto-attack checkout given (set AUTOATTACK_DIR or --autoattack-dir to a folder holding autoattack/)';
  if (!existsSync(join(refDir, 'autoattack', 'autoattack.py'))) return `${refDir} holds no autoattack/autoattack.py (fra31/auto-attack's package)`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot be run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch and torchvision: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

export interface TorchJob {
  refDir: string;
  model: 'small' | 'resnet18';
  weights: string;
  cifar: string;
  count: number;
  /** 'own': attack the model's clean predictions instead of the true labels. */
  labels: 'true' | 'own';
  eps: number;
  seed: number;
  threads: number;
}

/** Runs torch_autoattack.py once, echoing auto-attack's log, and returns its RESULT line. */
export function runTorch(scriptDir: string, job: TorchJob, env: NodeJS.ProcessEnv): Promise<TorchRun> {
  const args = [join(scriptDir, 'torch_autoattack.py'), '--ref', job.refDir, '--model', job.model, '--weights', job.weights, '--cifar', job.cifar];
  args.push('--count', String(job.count), '--eps', String(job.eps), '--seed', String(job.seed), '--threads', String(job.threads), '--labels', job.labels);
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    let result: Omit<TorchRun, 'log'> | undefined;
    let stderr = '';
    let pending = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
        else if (line.trim()) {
          log.push(line);
          console.log(`    torch | ${line}`);
        }
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code === 0 && result) resolvePromise({ ...result, log });
      else reject(new Error(`torch_autoattack.py (${job.model}) exited with ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}
