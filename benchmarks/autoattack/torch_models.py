"""PyTorch definitions of the two AutoAttack benchmark models, with the parameter names and layouts
that the TypeScript side reads, plus a minimal safetensors reader/writer (no `safetensors` package
in Debian's python) and the CIFAR-10 binary reader.

- small CNN: packages/attacks/fixtures/make_autoattack.py's tiny CNN on full 32x32 images:
  conv3x3(3->6, pad 1) -> tanh -> avgpool 2 -> flatten (NCHW order) -> linear(1536 -> 10).
- resnet18: torchvision's ResNet-18 with the CIFAR stem (3x3 conv, no max-pool), as
  packages/models/fixtures/make_fixtures.py builds it; @cnn/models `createModel('resnet18',
  { stem: 'cifar' })` has the same parameter names. Normalisation happens inside, as in @cnn/models.
"""
import json
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock, ResNet

CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.fc = nn.Linear(6 * 16 * 16, 10)

    def forward(self, x):
        return self.fc(F.avg_pool2d(torch.tanh(self.conv(x)), 2).flatten(1))


class Normalized(nn.Module):
    """Input normalisation inside the model; the state dict keeps the inner model's names."""

    def __init__(self, inner, mean, std):
        super().__init__()
        self.inner = inner
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1), persistent=False)

    def forward(self, x):
        return self.inner((x - self.mean) / self.std)


def cifar_resnet18():
    m = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)
    m.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    m.maxpool = nn.Identity()
    return m


def build(name):
    if name == 'small':
        return SmallCnn()
    if name == 'resnet18':
        return cifar_resnet18()
    raise SystemExit(f'unknown model {name!r}: expected small or resnet18')


_DTYPES = {'F32': np.float32, 'I64': np.int64, 'I32': np.int32}


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for key, e in header.items():
        if key == '__metadata__':
            continue
        a, b = e['data_offsets']
        arr = np.frombuffer(data[8 + n + a: 8 + n + b], dtype=_DTYPES[e['dtype']]).reshape(e['shape'])
        out[key] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors):
    header, chunks, off = {}, [], 0
    for key, t in tensors.items():
        arr = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        header[key] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [off, off + arr.nbytes]}
        chunks.append(arr.tobytes())
        off += arr.nbytes
    h = json.dumps(header).encode('utf-8')
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(chunks))


def load(name, weights_path):
    model = build(name)
    state = read_safetensors(weights_path)
    model.load_state_dict({k: v.to(model.state_dict()[k].dtype) for k, v in state.items()}, strict=True)
    mean, std = ((0.0,) * 3, (1.0,) * 3) if name == 'small' else (CIFAR_MEAN, CIFAR_STD)
    return Normalized(model, mean, std).eval()


def read_cifar(path, start, count):
    """Images NCHW float32 in [0, 1] and labels, records start..start+count of a CIFAR-10 .bin file."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size < 3073 * (start + count):
        raise SystemExit(f'{path}: has {raw.size // 3073} records, need {start + count}')
    rec = raw[3073 * start: 3073 * (start + count)].reshape(count, 3073)
    x = torch.from_numpy(rec[:, 1:].reshape(count, 3, 32, 32).astype(np.float32) / 255.0)
    return x, torch.from_numpy(rec[:, 0].astype(np.int64))
