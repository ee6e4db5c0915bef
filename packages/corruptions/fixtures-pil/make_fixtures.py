"""Reference outputs of the PIL operations that src/pil and src/ops replicate.

Run from the repository root with Debian's python (python3-pil, numpy):

    /usr/bin/python3 packages/corruptions/fixtures-pil/make_fixtures.py

Writes fixtures-pil/index.json (metadata, the images and the cases) and fixtures-pil/data.bin.gz
(every image's bytes, HWC RGB, concatenated; gzip keeps the committed files small). Inputs are real
CIFAR-10 test images plus a few larger and odd-sized images derived from them.
"""
import gzip
import io
import json
import os
import platform

import numpy as np
import PIL
from PIL import Image, ImageEnhance, ImageOps, features

import augmix_augmentations

HERE = os.path.dirname(os.path.abspath(__file__))
CIFAR = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data', 'cifar-10-batches-bin',
                     'test_batch.bin')
N_CIFAR = 16

blobs = []
offset = 0
images = {}
cases = []


def add_image(name, arr):
    global offset
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    assert arr.ndim == 3 and arr.shape[2] == 3
    images[name] = {'offset': offset, 'height': arr.shape[0], 'width': arr.shape[1]}
    blobs.append(arr.tobytes())
    offset += arr.size
    return name


def add_case(op, params, input_name, out_img):
    global offset
    arr = np.ascontiguousarray(np.asarray(out_img), dtype=np.uint8)
    cases.append({'op': op, 'params': params, 'input': input_name, 'offset': offset,
                  'height': arr.shape[0], 'width': arr.shape[1]})
    blobs.append(arr.tobytes())
    offset += arr.size


def cifar_images():
    raw = np.fromfile(CIFAR, dtype=np.uint8, count=N_CIFAR * 3073).reshape(N_CIFAR, 3073)
    return [r[1:].reshape(3, 32, 32).transpose(1, 2, 0) for r in raw]


def jpeg_round_trip(img, quality):
    buf = io.BytesIO()
    img.save(buf, 'JPEG', quality=quality)
    buf.seek(0)
    return Image.open(buf).convert('RGB')


cifar = cifar_images()
cifar_names = [add_image(f'cifar{i}', a) for i, a in enumerate(cifar)]
# A 224x224 "ImageNet-sized" image: four CIFAR images tiled 2x2, upscaled bicubically.
tile = np.concatenate([np.concatenate(cifar[0:2], axis=1), np.concatenate(cifar[2:4], axis=1)])
big = np.asarray(Image.fromarray(tile).resize((224, 224), Image.BICUBIC))
big_name = add_image('big224', big)
# Odd sizes (not multiples of 16 or 8): crops of the large image.
odd_names = [add_image('odd33x17', big[50:67, 60:93]), add_image('odd17x33', big[100:133, 7:24]),
             add_image('odd9x47', big[3:50, 200:209]), add_image('odd1x1', big[5:6, 5:6])]

pil = {name: Image.fromarray(np.frombuffer(blobs[i], np.uint8).reshape(
    images[name]['height'], images[name]['width'], 3)) for i, name in enumerate(images)}
assert len(blobs) == len(images)

# --- jpeg: make_cifar_c qualities (CIFAR, ImageNet) plus the extremes 1 and 100.
JPEG_Q = [80, 65, 58, 50, 40, 25, 18, 15, 10, 7, 1, 100]
for name in cifar_names + odd_names:
    for q in JPEG_Q:
        add_case('jpeg', {'quality': q}, name, jpeg_round_trip(pil[name], q))
for q in [80, 18, 7]:
    add_case('jpeg', {'quality': q}, big_name, jpeg_round_trip(pil[big_name], q))

# --- resize BOX
for name in cifar_names[:8]:
    for w, h in [(16, 16), (24, 24), (20, 28), (7, 9), (64, 64), (45, 33), (32, 32), (1, 1)]:
        add_case('resizeBox', {'width': w, 'height': h}, name, pil[name].resize((w, h), Image.BOX))
for w, h in [(32, 32), (100, 60), (223, 225)]:
    add_case('resizeBox', {'width': w, 'height': h}, big_name,
             pil[big_name].resize((w, h), Image.BOX))

# --- AugMix ops, each with PIL's own call as augmentations.py makes it.
def affine(img, data):
    return img.transform(img.size, Image.AFFINE, data, resample=Image.BILINEAR)


OPS = {
    'autocontrast': ([{}], lambda im, p: ImageOps.autocontrast(im)),
    'equalize': ([{}], lambda im, p: ImageOps.equalize(im)),
    'posterize': ([{'bits': b} for b in range(1, 9)], lambda im, p: ImageOps.posterize(im, p['bits'])),
    'solarize': ([{'threshold': t} for t in [0, 1, 26, 128, 200.5, 255, 256]],
                 lambda im, p: ImageOps.solarize(im, p['threshold'])),
    'rotate': ([{'degrees': d} for d in [-30, -13, 7, 30, 45.5, 90, 180, 270, 0]],
               lambda im, p: im.rotate(p['degrees'], resample=Image.BILINEAR)),
    'shearX': ([{'factor': f} for f in [-0.3, -0.11, 0.05, 0.27]],
               lambda im, p: affine(im, (1, p['factor'], 0, 0, 1, 0))),
    'shearY': ([{'factor': f} for f in [-0.3, -0.11, 0.05, 0.27]],
               lambda im, p: affine(im, (1, 0, 0, p['factor'], 1, 0))),
    'translateX': ([{'pixels': t} for t in [-10, -3, 4, 2.5]],
                   lambda im, p: affine(im, (1, 0, p['pixels'], 0, 1, 0))),
    'translateY': ([{'pixels': t} for t in [-10, -3, 4, 2.5]],
                   lambda im, p: affine(im, (1, 0, 0, 0, 1, p['pixels']))),
    'color': ([{'factor': f} for f in [0.0, 0.1, 0.55, 1.37, 1.9]],
              lambda im, p: ImageEnhance.Color(im).enhance(p['factor'])),
    'contrast': ([{'factor': f} for f in [0.0, 0.1, 0.55, 1.37, 1.9]],
                 lambda im, p: ImageEnhance.Contrast(im).enhance(p['factor'])),
    'brightness': ([{'factor': f} for f in [0.0, 0.1, 0.55, 1.37, 1.9]],
                   lambda im, p: ImageEnhance.Brightness(im).enhance(p['factor'])),
    'sharpness': ([{'factor': f} for f in [0.0, 0.1, 0.55, 1.37, 1.9]],
                  lambda im, p: ImageEnhance.Sharpness(im).enhance(p['factor'])),
}
for op, (grid, fn) in OPS.items():
    for name in cifar_names[:8] + odd_names[:1]:
        for p in grid:
            add_case(op, p, name, fn(pil[name], p))

# --- AugMix's own op(pil_img, level) calls (augmentations.py, verbatim below), seeded; the
# doubles numpy drew are recorded (u0, u1, ...) so the TypeScript side can replay them.
for name in cifar_names[:2]:
    for level in [1, 3, 10]:
        for i, op in enumerate(augmix_augmentations.augmentations_all):
            seed = 1000 * level + i
            np.random.seed(seed)
            out = op(pil[name], level)
            pos = np.random.get_state()[2]  # 624 right after seeding, then 2 per double drawn
            n_draws = 0 if pos == 624 else pos // 2
            np.random.seed(seed)
            draws = [float(np.random.random()) for _ in range(n_draws)]
            assert np.random.get_state()[2] == pos
            params = {'level': level, **{f'u{k}': u for k, u in enumerate(draws)}}
            add_case('augmix:' + op.__name__, params, name, out)

# --- Random parameters well outside AugMix's ranges on random crops (2..40 px) of the large image.
rs = np.random.RandomState(14)
RANDOM_PARAMS = {
    'posterize': lambda: {'bits': int(rs.randint(1, 9))},
    'solarize': lambda: {'threshold': float(rs.uniform(-10, 300))},
    'rotate': lambda: {'degrees': float(rs.uniform(-400, 400))},
    'shearX': lambda: {'factor': float(rs.uniform(-1, 1))},
    'shearY': lambda: {'factor': float(rs.uniform(-1, 1))},
    'translateX': lambda: {'pixels': float(rs.uniform(-40, 40))},
    'translateY': lambda: {'pixels': float(rs.uniform(-40, 40))},
    'color': lambda: {'factor': float(rs.uniform(-1, 3))},
    'contrast': lambda: {'factor': float(rs.uniform(-1, 3))},
    'brightness': lambda: {'factor': float(rs.uniform(-1, 3))},
    'sharpness': lambda: {'factor': float(rs.uniform(-1, 3))},
    'autocontrast': lambda: {},
    'equalize': lambda: {},
}


def random_crop(k):
    h, w = int(rs.randint(2, 41)), int(rs.randint(2, 41))
    y, x = int(rs.randint(0, 224 - h)), int(rs.randint(0, 224 - w))
    name = add_image(f'rand{k}', big[y:y + h, x:x + w])
    pil[name] = Image.fromarray(big[y:y + h, x:x + w])
    return name


k = 0
for op, draw in RANDOM_PARAMS.items():
    for _ in range(6):
        name, p = random_crop(k), draw()
        k += 1
        add_case(op, p, name, OPS[op][1](pil[name], p))
for _ in range(12):
    name, q = random_crop(k), int(rs.randint(0, 101))
    k += 1
    add_case('jpeg', {'quality': q}, name, jpeg_round_trip(pil[name], q))
for _ in range(12):
    name, w, h = random_crop(k), int(rs.randint(1, 80)), int(rs.randint(1, 80))
    k += 1
    add_case('resizeBox', {'width': w, 'height': h}, name, pil[name].resize((w, h), Image.BOX))

data = b''.join(blobs)
with gzip.GzipFile(os.path.join(HERE, 'data.bin.gz'), 'wb', mtime=0) as f:
    f.write(data)
meta = {
    'generator': 'fixtures-pil/make_fixtures.py',
    'pillow': PIL.__version__,
    'libjpeg_turbo': features.version('libjpeg_turbo'),
    'numpy': np.__version__,
    'python': platform.python_version(),
    'bytes': len(data),
    'images': images,
    'cases': cases,
}
with open(os.path.join(HERE, 'index.json'), 'w') as f:
    json.dump(meta, f, separators=(',', ':'))
print(len(cases), 'cases,', len(data), 'bytes raw')
