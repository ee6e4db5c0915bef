"""Times the reference functions of make_cifar_c.py (fixtures/reference/) on the first N CIFAR-10
test images x 19 corruptions x 5 severities; prints {name: seconds} as JSON on the last line.
Used by cifar-c.bench.mjs:  /usr/bin/python3 bench/reference_bench.py <test_batch.bin> <N>"""
import json
import os
import sys
import time
import warnings

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../fixtures'))
from make_fixtures import load_reference  # noqa: E402

NAMES = ['gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'defocus_blur', 'glass_blur',
         'motion_blur', 'zoom_blur', 'gaussian_blur', 'snow', 'frost', 'fog', 'spatter', 'brightness',
         'contrast', 'saturate', 'elastic_transform', 'pixelate', 'jpeg_compression']


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)[:count, 1:]
    images = [Image.fromarray(np.ascontiguousarray(r.reshape(3, 32, 32).transpose(1, 2, 0))) for r in raw]
    ref = load_reference('make_cifar_c.py')
    np.random.seed(0)
    seconds = {}
    warnings.simplefilter('ignore')
    for name in NAMES:
        fn = ref[name]
        start = time.process_time()
        for severity in range(1, 6):
            for img in images:
                np.uint8(fn(img, severity))  # the conversion the script saves
        seconds[name] = time.process_time() - start
        print(name, f'{seconds[name]:.2f}s', file=sys.stderr)
    print(json.dumps(seconds))


if __name__ == '__main__':
    main()
