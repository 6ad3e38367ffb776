#!/usr/bin/python3
"""Train and export the Edge demo models on sklearn's digits.

    /usr/bin/python3 tools/models/train.py              # everything (data + 4 models)
    /usr/bin/python3 tools/models/train.py --only edge  # data, cloud (teacher, not re-exported), edge

Outputs go to models/ (see tools/models/README.md).  Fully deterministic on a given machine
(fixed seeds, deterministic algorithms, 2 CPU threads).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import edge_common as C  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(REPO, "models")
DATA = os.path.join(OUT, "data")

DIGITS_SPEC = dict(rawScale=C.RAW_SCALE, height=8, width=8, channels=1, mean=[0.0], std=[1.0])
CAMERA_SPEC = dict(rawScale=C.RAW_SCALE, height=96, width=96, channels=3,
                   mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])


def log(*a):
    print(*a, flush=True)


# ============================================================================ models
class DigitsCNN(nn.Module):
    """Small VGG-style CNN for 8x8 digits."""

    def __init__(self, width=32, p_drop=0.3):
        super().__init__()
        w = width

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.features = nn.Sequential(
            *block(1, w), *block(w, w), nn.MaxPool2d(2),           # 4x4
            *block(w, 2 * w), *block(2 * w, 2 * w), nn.MaxPool2d(2),  # 2x2
            *block(2 * w, 4 * w),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(p_drop), nn.Linear(4 * w * 4, 10))

    def forward(self, x):
        return self.head(self.features(x))


class Ensemble(nn.Module):
    """Mean of member logits, baked into one graph."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        out = self.members[0](x)
        for m in self.members[1:]:
            out = out + m(x)
        return out / len(self.members)


class DigitsMLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.net(x)


def camera_model():
    import torchvision
    return torchvision.models.mobilenet_v2(width_mult=0.5, num_classes=10)


def n_params(m):
    return int(sum(p.numel() for p in m.parameters()))


# ============================================================================ training loops
def batches(n, bs, gen):
    perm = torch.randperm(n, generator=gen)
    for i in range(0, n, bs):
        yield perm[i:i + bs]


@torch.no_grad()
def predict(model, x, bs=256):
    model.eval()
    return torch.cat([model(x[i:i + bs]) for i in range(0, len(x), bs)]).numpy()


def train_supervised(model, prep, raw, y, *, epochs, lr, bs, seed, wd=5e-4, shift=1,
                     teacher=None, kd_t=4.0, kd_alpha=0.9, label_smoothing=0.0, opt="adamw",
                     warmup_epochs=0, tag=""):
    """Generic loop: raw [N,8,8] float 0..16 -> random shift -> contract preprocessing -> model."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    if opt == "adamw":
        optim = torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    else:
        optim = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd, nesterov=True)
    steps_per_epoch = (len(raw) + bs - 1) // bs
    total = epochs * steps_per_epoch
    warm = warmup_epochs * steps_per_epoch

    def lr_at(step):
        if step < warm:
            return lr * (step + 1) / warm
        t = (step - warm) / max(1, total - warm)
        return lr * 0.5 * (1 + np.cos(np.pi * t))

    step = 0
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        tot, n = 0.0, 0
        for idx in batches(len(raw), bs, gen):
            xb = raw[idx]
            if shift:
                xb = C.random_shift(xb, gen, shift)
            xb = prep(xb)
            for g in optim.param_groups:
                g["lr"] = lr_at(step)
            logits = model(xb)
            loss = F.cross_entropy(logits, y[idx], label_smoothing=label_smoothing)
            if teacher is not None:
                with torch.no_grad():
                    tl = teacher(xb)
                kd = F.kl_div(F.log_softmax(logits / kd_t, 1), F.softmax(tl / kd_t, 1),
                              reduction="batchmean") * kd_t * kd_t
                loss = kd_alpha * kd + (1 - kd_alpha) * loss
            optim.zero_grad(set_to_none=True)
            loss.backward()
            optim.step()
            step += 1
            tot += float(loss) * len(idx)
            n += len(idx)
        if tag and (ep == epochs - 1 or (ep + 1) % max(1, epochs // 5) == 0):
            log(f"  [{tag}] epoch {ep + 1}/{epochs} loss {tot / n:.4f} ({time.time() - t0:.0f}s)")
    model.eval()
    return model
