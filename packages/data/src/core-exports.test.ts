import * as core from '@cnn/core';
import { describe, expect, it } from 'vitest';
import * as root from './index.js';
import * as node from './node.js';

// @cnn/data re-exports core's disposeBatch (one definition, no copy); each name has one home.
describe('the entries of @cnn/data', () => {
  it("disposeBatch is @cnn/core's very function", () => {
    expect(root.disposeBatch).toBe(core.disposeBatch);
  });

  it('no name is exported by both @cnn/data and @cnn/data/node', () => {
    const both = Object.keys(node).filter((k) => k in root);
    expect(Object.keys(node).length).toBeGreaterThan(5);
    expect(both).toEqual([]);
  });

  it('the root entry keeps what runs anywhere, the node entry what reads files', () => {
    expect(Object.keys(root).sort()).toEqual(
      ['BYTE_TO_UNIT', 'augmix', 'augmixTransform', 'CIFAR100_COARSE_CLASSES', 'CIFAR100_FINE_CLASSES', 'CIFAR10_CLASSES', 'CIFAR_SOURCES', 'CifarDataset', 'cifarTrainTransform', 'corruptedDataset', 'cutmix', 'disposeBatch', 'ensureTargets', 'loader', 'mixup', 'parseCifarBatch', 'randomCropFlip', 'randomResizedCropBox', 'resizeCenterCropGeometry', 'toFloat'].sort(),
    );
    for (const name of ['loadCifar', 'loadImageFolder', 'decodeImage', 'downloadFile', 'readTarGz', 'extractTarGz', 'fileMd5']) expect(node).toHaveProperty(name);
    expect(root).not.toHaveProperty('writeFileAtomic'); // @cnn/core/node's: import it from there
  });
});
