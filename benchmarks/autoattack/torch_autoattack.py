"""PyTorch side of the AutoAttack benchmark: fra31/auto-attack's standard version on the given model,
weights and CIFAR-10 records; prints auto-attack's own log, then one line `RESULT {json}`.

    /usr/bin/python3 torch_autoattack.py --ref DIR --model small|resnet18 --weights FILE
        --cifar FILE --start 0 --count 64 --eps 0.0313725 --seed 0 --threads 2 [--labels true|own]

DIR holds auto-attack's `autoattack/` package. Wall time covers run_standard_evaluation only
(the model and images are loaded before), as on the TypeScript side. `--labels own` attacks the
model's own clean predictions instead of the true labels (every image is then attacked).
"""
import argparse
import json
import sys
import time

import torch

from torch_models import load, read_cifar

p = argparse.ArgumentParser()
for flag in ('--ref', '--model', '--weights', '--cifar'):
    p.add_argument(flag, required=True)
p.add_argument('--start', type=int, default=0)
p.add_argument('--count', type=int, default=64)
p.add_argument('--eps', type=float, default=8 / 255)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--labels', choices=('true', 'own'), default='true')
a = p.parse_args()

sys.path.insert(0, a.ref)
from autoattack import AutoAttack  # noqa: E402

torch.set_num_threads(a.threads)
model = load(a.model, a.weights)
x, y = read_cifar(a.cifar, a.start, a.count)
if a.labels == 'own':
    with torch.no_grad():
        y = model(x).argmax(1)
with torch.no_grad():
    clean = (model(x).argmax(1) == y).float().mean().item()
aa = AutoAttack(model, norm='Linf', eps=a.eps, version='standard', seed=a.seed, device='cpu', verbose=True)
t0 = time.perf_counter()
adv = aa.run_standard_evaluation(x, y, bs=a.count)
seconds = time.perf_counter() - t0
with torch.no_grad():
    robust = (model(adv).argmax(1) == y).float().mean().item()
print('RESULT ' + json.dumps({
    'seconds': seconds, 'cleanAccuracy': clean, 'robustAccuracy': robust,
    'torch': torch.__version__, 'threads': torch.get_num_threads(),
}), flush=True)
