/**
 * What the docs' code blocks say they print (in their comments), per markdown file: each pattern
 * must match the stdout of that file's blocks, run in order. Claims a user relies on, not noise.
 */
export const DOC_OUTPUT: Record<string, RegExp[]> = {
  'docs/guides/attacks.md': [/^tensors left behind: 0$[\s\S]*^tensors left behind: 0$/m],
  'docs/guides/models.md': [
    /^true false$/m,
    /^preact_resnet18 10 11172170$/m,
    /^\[ 2, 10 \] \[ 2, 4, 4, 512 \] \[ 2, 512 \]$/m,
    /^conv1\.weight \[ 3, 3, 3, 16 \]\nblock1\.layer\.0\.bn1\.weight \[ 16 \]$/m,
    /^pytorch$/m,
  ],
  'docs/guides/training.md': [
    /^resumed from \{ epoch: 1, step: 1 \}$/m,
    /^0 0\.0003\n3 0\.1003\n6 0\.1998\n10 0\.1109\n14 0\.0220$/m,
  ],
  'packages/core/README.md': [/^new tensors: 1$/m],
  'packages/train/README.md': [/^true \{ epoch: 1, step: 1 \}$/m],
  'packages/models/README.md': [/^\[\n {2}'wrn_16_4',\n[\s\S]*'wrn_70_16'\n\]$/m],
};
