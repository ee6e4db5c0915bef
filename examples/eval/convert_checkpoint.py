#!/usr/bin/env python3
"""Convert a PyTorch checkpoint (.pt / .pth) into a safetensors file that @cnn/models loads.

@cnn/models uses the reference codebases' own parameter names, so a state dict needs no renaming,
only unwrapping:

  * torchvision ResNets (resnet18 ... resnet152, wide_resnet50_2): conv1, bn1, layerN.M.*, downsample.0/1, fc
  * RobustBench WideResNet (wrn_28_10, wrn_34_10, ...): conv1, blockN.layer.M.{bn1,conv1,bn2,conv2,convShortcut}, bn1, fc
  * RobustBench PreActResNet and fast_adversarial's PreActResNet18: conv1, layerN.M.{bn1,conv1,bn2,conv2,shortcut.0}, bn, linear
  * He et al. CIFAR ResNets (akamaster's resnet20 ... resnet110): conv1, bn1, layerN.M.*, linear (renamed to fc here)

What the script does:

  1. loads the file with torch.load on the CPU (weights_only when this torch has it);
  2. finds the state dict: the object itself, or its 'state_dict' / 'model_state_dict' / 'model' /
     'net' / 'state' entry (or --key), or a whole nn.Module's state_dict();
  3. strips wrapper prefixes: 'module.' (DataParallel / DistributedDataParallel), '_orig_mod.'
     (torch.compile), 'model.' and '1.' (RobustBench / nn.Sequential(normalize, model) wrappers),
     plus any --strip-prefix;
  4. drops --drop patterns (regular expressions, e.g. a normalisation layer's 'mu' / 'sigma'),
     renames akamaster's classifier 'linear.*' to 'fc.*' when the net has torchvision-style 'layer1.0.bn1'
     and no 'bn.weight' (fast_adversarial keeps 'linear'), and adds a zero 'num_batches_tracked' to
     BatchNorm layers saved without one (PyTorch < 0.4.1);
  5. writes safetensors in PyTorch layout: with the `safetensors` package when installed, otherwise
     by hand (8-byte little-endian header length, JSON header with dtype / shape / data_offsets,
     raw little-endian tensor bytes), which is the same format.

Then evaluate it with, e.g.:

  cnn-eval --model wrn_28_10 --normalize none --weights model.safetensors --data ~/data --attack autoattack

(RobustBench's WideResNets take [0, 1] inputs without normalisation: --normalize none; fast_adversarial
normalises outside the net with CIFAR-10's mean/std: --normalize cifar10, the registry's default.)

Usage:
  /usr/bin/python3 convert_checkpoint.py IN.pt OUT.safetensors [--key K] [--strip-prefix P]... [--drop REGEX]... [--float32]
"""
import argparse
import json
import re
import struct
import sys

import torch

WRAPPER_PREFIXES = ('module.', '_orig_mod.', 'model.', '1.')
CONTAINER_KEYS = ('state_dict', 'model_state_dict', 'model', 'net', 'state')
DTYPES = {
    torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL',
}


def fail(message):
    print(f'convert_checkpoint: error: {message}', file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        try:
            return torch.load(path, map_location='cpu', weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only
            return torch.load(path, map_location='cpu')
        except Exception:  # a pickled nn.Module needs the full unpickler
            return torch.load(path, map_location='cpu', weights_only=False)
    except FileNotFoundError:
        fail(f'{path}: no such file')
    except Exception as error:  # noqa: BLE001 - any unreadable file is one clear line
        fail(f'{path}: not a PyTorch checkpoint ({error})')


def is_state_dict(obj):
    return isinstance(obj, dict) and len(obj) > 0 and all(isinstance(v, torch.Tensor) for v in obj.values())


def find_state_dict(obj, key, path):
    if hasattr(obj, 'state_dict') and callable(obj.state_dict):
        return obj.state_dict()
    if key is not None:
        if not isinstance(obj, dict) or key not in obj:
            fail(f'{path}: no entry "{key}" (entries: {", ".join(map(str, obj)) if isinstance(obj, dict) else type(obj).__name__})')
        obj = obj[key]
        return obj.state_dict() if hasattr(obj, 'state_dict') else obj
    if is_state_dict(obj):
        return obj
    if isinstance(obj, dict):
        for k in CONTAINER_KEYS:
            if k in obj:
                inner = obj[k]
                inner = inner.state_dict() if hasattr(inner, 'state_dict') else inner
                if is_state_dict(inner):
                    return inner
        fail(f'{path}: no state dict found (entries: {", ".join(map(str, obj))}); name it with --key')
    fail(f'{path}: holds a {type(obj).__name__}, not a state dict or a model')


def strip_prefixes(state, extra):
    prefixes = tuple(extra) + WRAPPER_PREFIXES
    changed = True
    while changed:  # nested wrappers: module.model.conv1.weight
        changed = False
        for p in prefixes:
            if state and all(k.startswith(p) for k in state):
                state = {k[len(p):]: v for k, v in state.items()}
                print(f'stripped the prefix "{p}"')
                changed = True
    return state


def normalise_names(state, drops):
    for pattern in drops:
        gone = [k for k in state if re.search(pattern, k)]
        for k in gone:
            del state[k]
        print(f'dropped {len(gone)} tensors matching {pattern}')
    # akamaster's CIFAR ResNets name the classifier 'linear'; @cnn/models' CIFAR ResNets use 'fc'.
    # fast_adversarial's pre-activation nets (final BatchNorm 'bn') keep 'linear'.
    if 'linear.weight' in state and 'bn.weight' not in state and 'layer1.0.bn1.weight' in state:
        state = {('fc.' + k[len('linear.'):] if k.startswith('linear.') else k): v for k, v in state.items()}
        print('renamed linear.* to fc.* (akamaster CIFAR ResNet)')
    for k in [k for k in state if k.endswith('.running_mean')]:
        counter = k[: -len('running_mean')] + 'num_batches_tracked'
        if counter not in state:
            state[counter] = torch.zeros((), dtype=torch.int64)
    return state


def to_bytes(tensor):
    t = tensor.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        return t.view(torch.int16).numpy().astype('<i2').tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def write_safetensors(state, path):
    """The safetensors format, written by hand (same bytes layout as safetensors.torch.save_file)."""
    header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
    for name in sorted(state):
        t = state[name]
        if t.dtype not in DTYPES:
            fail(f'tensor {name}: dtype {t.dtype} has no safetensors code')
        data = to_bytes(t)
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned, as the reference writer does
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('input', help='the .pt / .pth checkpoint')
    ap.add_argument('output', help='the .safetensors file to write')
    ap.add_argument('--key', help='the checkpoint entry holding the state dict (default: found automatically)')
    ap.add_argument('--strip-prefix', action='append', default=[], help='a prefix to remove from every name (repeatable)')
    ap.add_argument('--drop', action='append', default=[], help='drop tensors whose name matches this regular expression (repeatable)')
    ap.add_argument('--float32', action='store_true', help='store floating-point tensors as float32')
    args = ap.parse_args(argv)
    state = find_state_dict(load(args.input), args.key, args.input)
    state = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    state = normalise_names(strip_prefixes(state, args.strip_prefix), args.drop)
    if args.float32:
        state = {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}
    try:
        from safetensors.torch import save_file
        save_file({k: v.contiguous() for k, v in state.items()}, args.output, metadata={'format': 'pt'})
        how = 'safetensors'
    except ImportError:
        write_safetensors(state, args.output)
        how = 'the built-in writer'
    print(f'wrote {len(state)} tensors to {args.output} ({how})')


if __name__ == '__main__':
    main()
