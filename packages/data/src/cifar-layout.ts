// Where the official CIFAR files live and how their records are laid out.

export type CifarVariant = 'cifar10' | 'cifar100';
export type CifarSplit = 'train' | 'test';

/** Where each variant lives: official archive, its MD5, the folder inside it, the batch files. */
export const CIFAR_SOURCES = {
  cifar10: {
    title: 'CIFAR-10',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    archive: 'cifar-10-binary.tar.gz',
    dir: 'cifar-10-batches-bin',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    meta: 'batches.meta.txt',
    labelBytes: 1,
  },
  cifar100: {
    title: 'CIFAR-100',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    archive: 'cifar-100-binary.tar.gz',
    dir: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    meta: 'fine_label_names.txt',
    labelBytes: 2,
  },
} as const;

/** Bytes of one CIFAR image (3 × 32 × 32, planar). */
export const CIFAR_IMAGE_BYTES = 3072;

/** True for the variants this package knows ('cifar10', 'cifar100'). */
export function isCifarVariant(v: unknown): v is CifarVariant {
  return v === 'cifar10' || v === 'cifar100';
}
