"""Builds PyTorch checkpoints the way their codebases save them, for the convert_checkpoint.py test.

Run by test/convert.test.ts (only when /usr/bin/python3 has torch):
  /usr/bin/python3 make_torch_checkpoints.py OUT_DIR
writes OUT_DIR/resnet18.pth (torchvision resnet18, 10 classes, saved as {'epoch', 'state_dict'} from
DataParallel: 'module.' names), OUT_DIR/wrn.pt (RobustBench's WideResNet, depth 16, widen 2, a bare
state dict) and OUT_DIR/expected.json: a fixed input (NCHW) and each net's logits in eval mode.
BatchNorm statistics are randomised, so that a checkpoint loaded without them would differ.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class BasicBlock(nn.Module):  # RobustBench model_zoo/architectures/wide_resnet.py
    def __init__(self, in_planes, out_planes, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_planes, out_planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_planes, out_planes, 3, 1, 1, bias=False)
        self.equalInOut = in_planes == out_planes
        self.convShortcut = None if self.equalInOut else nn.Conv2d(in_planes, out_planes, 1, stride, 0, bias=False)

    def forward(self, x):
        if not self.equalInOut:
            x = self.relu1(self.bn1(x))
            out = x
        else:
            out = self.relu1(self.bn1(x))
        out = self.conv1(out)
        out = self.conv2(self.relu2(self.bn2(out)))
        return torch.add(x if self.equalInOut else self.convShortcut(x), out)


class NetworkBlock(nn.Module):
    def __init__(self, nb_layers, in_planes, out_planes, stride):
        super().__init__()
        self.layer = nn.Sequential(*[BasicBlock(in_planes if i == 0 else out_planes, out_planes, stride if i == 0 else 1) for i in range(nb_layers)])

    def forward(self, x):
        return self.layer(x)


class WideResNet(nn.Module):
    def __init__(self, depth=16, num_classes=10, widen_factor=2):
        super().__init__()
        ch = [16, 16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        n = (depth - 4) // 6
        self.conv1 = nn.Conv2d(3, ch[0], 3, 1, 1, bias=False)
        self.block1 = NetworkBlock(n, ch[0], ch[1], 1)
        self.block2 = NetworkBlock(n, ch[1], ch[2], 2)
        self.block3 = NetworkBlock(n, ch[2], ch[3], 2)
        self.bn1 = nn.BatchNorm2d(ch[3])
        self.relu = nn.ReLU(inplace=True)
        self.fc = nn.Linear(ch[3], num_classes)
        self.nChannels = ch[3]

    def forward(self, x):
        out = self.block3(self.block2(self.block1(self.conv1(x))))
        out = self.relu(self.bn1(out))
        out = F.adaptive_avg_pool2d(out, 1).view(-1, self.nChannels)
        return self.fc(out)


def randomise_bn(net, g):
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)


def main(out):
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    x = torch.rand(2, 3, 32, 32, generator=g)
    expected = {'input': x.flatten().tolist(), 'shape': list(x.shape), 'logits': {}}
    with torch.no_grad():
        resnet = torchvision.models.resnet18(num_classes=10)
        randomise_bn(resnet, g)
        resnet.eval()
        expected['logits']['resnet18'] = resnet(x).flatten().tolist()
        wrapped = nn.DataParallel(resnet)
        torch.save({'epoch': 3, 'state_dict': wrapped.state_dict()}, f'{out}/resnet18.pth')

        wrn = WideResNet(depth=16, widen_factor=2)
        randomise_bn(wrn, g)
        wrn.eval()
        expected['logits']['wrn_16_2'] = wrn(x).flatten().tolist()
        torch.save(wrn.state_dict(), f'{out}/wrn.pt')
    with open(f'{out}/expected.json', 'w') as f:
        json.dump(expected, f)


if __name__ == '__main__':
    main(sys.argv[1])
