/** `cnn-eval --help`. */
export function helpText(): string {
  return `cnn-eval: robust accuracy and calibration of trained @cnn/models weights on CIFAR-10/100

Usage:
  cnn-eval --weights FILE --data DIR [--model NAME] [flags]
  cnn-eval merge RESULTS.json... --out REPORT.html

Model and data:
  --weights FILE        safetensors weights (PyTorch or TF.js layout; convert .pt/.pth with convert_checkpoint.py)
  --model NAME          registry name (wrn_28_10, preact_resnet18, resnet20, ...); default: the one the file records
  --widths LIST, --depths LIST, --stem-width N   override the registry's shape (tiny models)
  --normalize MODE      registry (default), cifar10 (mean/std inside the model) or none (inputs in [0, 1] as given)
  --data DIR            folder with cifar-10-batches-bin/ (or cifar-100-binary/, or the .tar.gz)
  --dataset NAME        cifar10 (default) or cifar100
  --n N                 evaluate the first N test images (default 10000)
  --batch-size N        images per batch (default 100); shards and resumes must use the same

Attack (only the clean-correct images are attacked, as AutoAttack does):
  --attack NAME         autoattack, apgd, pgd, fgsm or none (default none)
  --norm NORM           linf (default) or l2
  --eps E               radius in [0, 1] pixel units, e.g. 8/255 (default 8/255 with an attack)
  --version V           AutoAttack version: standard (default), plus, rand
  --steps K             pgd (default 20), apgd (default 100) or AutoAttack's APGD (default 100) iterations
  --step-size A         pgd step (default eps/4 for linf, eps/5 for l2)
  --restarts R          pgd/apgd restarts (default 1)
  --queries Q           AutoAttack's Square Attack queries (default 5000)
  --seed S              seed of the random starts; batch b draws from (S, its first example index) (default 0)

Also:
  --calibration         NLL, Brier, ECE and the debiased l2 calibration error on clean and adversarial images
  --corruptions LIST    all, or CIFAR-10-C corruption names: accuracy per corruption and severity 1-5

Running:
  --shard i/n           evaluate part i (counted from 0) of n: a contiguous block of ceil(B/n) whole batches
  --out DIR             results folder (default results): eval.json/.html, or shard-<i>-of-<n>.json/.html
  --resume              continue the run in --out after an interruption (same flags; other settings are refused)
  --backend NAME        auto (default), tensorflow, tensorflow-gpu, wasm, cpu
  --progress MODE       auto (default: a bar on a terminal, else one line per batch), bar, log, none
  --verbose             also TensorFlow's start-up lines (tfjs-node; hidden by default)
  -h, --help            this text

Exit codes: 0 done, 1 the run failed, 2 bad usage (one line on stderr naming the problem).
`;
}
