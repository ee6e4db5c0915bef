"""Trains the small CNN of the AutoAttack benchmark briefly with FGSM adversarial training
(Wong et al. 2020, random start, L-inf 8/255, step 10/255) so that points survive APGD-CE and the
later stages of the cascade have work, as on a robust model
and writes small-cnn.safetensors beside this file (PyTorch layout), read by both sides.

Run once with Debian's python: /usr/bin/python3 benchmarks/autoattack/train_small_cnn.py [cifar-dir]
(default cifar-dir: ../shared/data/cifar-10-batches-bin relative to the repo). Uses data_batch_1.bin
(10,000 training images), seed 0, Adam lr 3e-3, batch 128, 5 epochs, 2 threads.
"""
import os
import sys

import torch
import torch.nn.functional as F

from torch_models import SmallCnn, read_cifar, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
CIFAR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'cifar-10-batches-bin')

torch.manual_seed(0)
torch.set_num_threads(2)
x, y = read_cifar(os.path.join(CIFAR, 'data_batch_1.bin'), 0, 10000)
xt, yt = read_cifar(os.path.join(CIFAR, 'test_batch.bin'), 0, 10000)
model = SmallCnn()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
EPS, STEP = 8 / 255, 10 / 255


def fgsm_rs(xb, yb):
    delta = (torch.rand_like(xb) * 2 - 1) * EPS
    delta = ((xb + delta).clamp(0, 1) - xb).requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(xb + delta), yb), delta)
    delta = (delta + STEP * grad.sign()).clamp(-EPS, EPS)
    return (xb + delta).clamp(0, 1).detach()


for epoch in range(5):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        idx = perm[i:i + 128]
        loss = F.cross_entropy(model(fgsm_rs(x[idx], y[idx])), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    print(f'epoch {epoch + 1}: last loss {loss.item():.3f}, test accuracy {acc:.4f}')
out = os.path.join(HERE, 'small-cnn.safetensors')
write_safetensors(out + '.tmp', model.state_dict())
os.replace(out + '.tmp', out)
print('wrote', out, os.path.getsize(out), 'bytes')
