"""PyTorch side of the benchmark: the same architectures (built from the JSON spec that
benchmarks/src/arch.ts sends), the same three workloads and the same line protocol as
src/tfjs-worker.ts, so the orchestrator can alternate contenders run by run.

Run by `pnpm bench` with /usr/bin/python3 when `import torch` works. Threads: 2 (set by
--threads). NCHW (PyTorch's default layout) unless a case asks for channels_last.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 8 / 255
ALPHA = 2 / 255


class OptionA(nn.Module):
    """Parameter-free shortcut (akamaster's CIFAR ResNets): every second pixel, zero channels."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.p, self.stride = (cout - cin) // 2, stride

    def forward(self, x):
        return F.pad(x[:, :, :: self.stride, :: self.stride], (0, 0, 0, 0, self.p, self.p))


class Basic(nn.Module):
    def __init__(self, cin, cout, stride, shortcut="B"):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            if shortcut == "A":
                self.shortcut = OptionA(cin, cout, stride)
            else:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        o = self.bn2(self.conv2(h))
        return F.relu(o + (x if self.shortcut is None else self.shortcut(x)))


class Bottleneck(nn.Module):
    def __init__(self, cin, cout, stride, shortcut="B"):
        super().__init__()
        inner = cout // 4
        self.conv1 = nn.Conv2d(cin, inner, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(inner)
        self.conv2 = nn.Conv2d(inner, inner, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(inner)
        self.conv3 = nn.Conv2d(inner, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        o = self.bn3(self.conv3(h))
        return F.relu(o + (x if self.shortcut is None else self.shortcut(x)))


class PreAct(nn.Module):
    def __init__(self, cin, cout, stride, shortcut="B"):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride, bias=False)

    def forward(self, x):
        a = F.relu(self.bn1(x))
        h = self.conv1(a)
        o = self.conv2(F.relu(self.bn2(h)))
        return o + (x if self.shortcut is None else self.shortcut(a))


class Net(nn.Module):
    def __init__(self, spec):
        super().__init__()
        block = {"basic": Basic, "bottleneck": Bottleneck, "preact": PreAct}[spec["block"]]
        self.preact = spec["block"] == "preact"
        sw = spec["stemWidth"]
        if spec["stem"] == "cifar":
            stem = [nn.Conv2d(3, sw, 3, 1, 1, bias=False)]
        else:
            stem = [nn.Conv2d(3, sw, 7, 2, 3, bias=False)]
        if not self.preact:
            stem += [nn.BatchNorm2d(sw), nn.ReLU()]
        if spec["stem"] != "cifar":
            stem += [nn.MaxPool2d(3, 2, 1)]
        self.stem = nn.Sequential(*stem)
        layers = []
        cin = sw
        for s, (depth, width) in enumerate(zip(spec["depths"], spec["widths"])):
            for b in range(depth):
                layers.append(block(cin, width, 2 if (b == 0 and s > 0) else 1, spec["shortcut"]))
                cin = width
        self.layers = nn.Sequential(*layers)
        self.final = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU()) if self.preact else nn.Identity()
        self.fc = nn.Linear(cin, spec["numClasses"])
        self.register_buffer("mean", torch.tensor(spec["normalize"]["mean"]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(spec["normalize"]["std"]).view(1, 3, 1, 1))

    def forward(self, x):
        x = (x - self.mean) / self.std  # inside the model, as @cnn/models does
        h = self.final(self.layers(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))


class Case:
    def __init__(self, cfg):
        spec = cfg["spec"]
        torch.manual_seed(1)
        self.model = Net(spec)
        self.params = sum(p.numel() for p in self.model.parameters())
        b, s = cfg["batch"], spec["inputSize"]
        self.x = torch.rand(b, 3, s, s)
        self.y = torch.randint(0, spec["numClasses"], (b,))
        self.fmt = torch.channels_last if cfg.get("channelsLast") else torch.contiguous_format
        self.model = self.model.to(memory_format=self.fmt)
        self.x = self.x.contiguous(memory_format=self.fmt)
        self.task = cfg["task"]
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.model.train(self.task == "train")
        if self.task != "train":
            for p in self.model.parameters():
                p.requires_grad_(False)

    def step(self):
        if self.task == "train":
            self.opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(self.model(self.x), self.y)
            loss.backward()
            self.opt.step()
            loss.item()
        elif self.task == "infer":
            with torch.no_grad():
                self.model(self.x).sum().item()
        else:
            x = self.x
            lo, hi = (x - EPS).clamp(0, 1), (x + EPS).clamp(0, 1)
            adv = torch.max(torch.min(x + torch.empty_like(x).uniform_(-EPS, EPS), hi), lo)
            for _ in range(10):
                adv.requires_grad_(True)
                loss = F.cross_entropy(self.model(adv), self.y)
                (g,) = torch.autograd.grad(loss, adv)
                adv = torch.max(torch.min(adv.detach() + ALPHA * g.sign(), hi), lo)
            adv.sum().item()


def main():
    threads = 2
    if "--threads" in sys.argv:
        threads = int(sys.argv[sys.argv.index("--threads") + 1])
    torch.set_num_threads(threads)
    cases = {}
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()}

    def reply(o):
        sys.stdout.write(json.dumps(o) + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        try:
            cmd = msg["cmd"]
            if cmd == "setup":
                c = Case(msg)
                for _ in range(msg["warmup"]):
                    c.step()
                t0 = time.perf_counter()
                c.step()
                one = time.perf_counter() - t0
                c.iters = max(1, math.ceil(msg["minRunSeconds"] / max(one, 1e-6)))
                cases[msg["id"]] = c
                reply({"ok": True, "iters": c.iters, "impl": "torch" + (" channels_last" if msg.get("channelsLast") else ""), "params": c.params, "info": info})
            elif cmd == "run":
                c = cases[msg["id"]]
                cpu0 = time.process_time()
                t0 = time.perf_counter()
                for _ in range(c.iters):
                    c.step()
                wall = time.perf_counter() - t0
                reply({"ok": True, "seconds": wall / c.iters, "wall": wall, "cpuSeconds": time.process_time() - cpu0})
            elif cmd == "teardown":
                cases.pop(msg["id"], None)
                reply({"ok": True})
            elif cmd == "exit":
                reply({"ok": True})
                break
            else:
                raise ValueError("unknown command " + cmd)
        except Exception as e:  # report, keep serving
            reply({"ok": False, "error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
