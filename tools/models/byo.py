"""Bring-your-own test models: classifiers in the layouts other tools export, for Edge's loader tests.

Each is trained briefly on sklearn digits and exported the way a user's tool would leave it (final Softmax,
older opsets, NHWC uint8 input, a flat [N,F] input, a single Sigmoid output, a non-square RGB input, unfused BatchNorm with
weights as Constant nodes, residual blocks), with a manifest that describes it. Run from the repo root:

    /usr/bin/python3 tools/models/byo.py

Outputs go to models/byo/ (small: a few KB each) and are committed.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
import edge_common as C  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "models", "byo")


def paper(raw):
    """0..16 ink → 0..255 uint8 paper-white pixels, as a camera (and TestImages.InkToPaper) sees a digit."""
    return np.rint(255 - raw * 255 / 16).astype(np.uint8)


class FlatSoftmax(nn.Module):
    """Tabular / sensor style: a [N,64] float vector in, probabilities out."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x):
        return torch.softmax(self.net(x), dim=1)


class NhwcUint8(nn.Module):
    """TensorFlow-converter style: NHWC uint8 pixels in, scaling inside the graph, probabilities out."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = x.to(torch.float32) / 255.0
        x = x.permute(0, 3, 1, 2)
        x = self.conv(x)
        return torch.softmax(self.head(torch.flatten(x, 1)), dim=1)


def train(model, inputs, labels, epochs=60):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(epochs):
        for i in range(0, len(labels), 64):
            opt.zero_grad()
            probs = model(inputs[i:i + 64])
            loss = nn.functional.nll_loss(torch.log(probs + 1e-9), labels[i:i + 64])
            loss.backward()
            opt.step()
    model.eval()
    return model


def export(model, dummy, path, opset, input_type):
    import onnx

    torch.onnx.export(
        model, dummy, path, input_names=["input"], output_names=["probabilities"],
        dynamic_axes={"input": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=opset, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    assert m.graph.input[0].type.tensor_type.elem_type == input_type
    assert m.graph.node[-1].op_type == "Softmax", m.graph.node[-1].op_type
    return sorted({n.op_type for n in m.graph.node})


def manifest(name, file, shape, layout, element, color, preprocess, ops, opset, accuracy, count):
    return {
        "schemaVersion": 2,
        "name": name,
        "version": "1.0.0",
        "description": f"Bring-your-own test model: {layout} {element} input, final Softmax, opset {opset}.",
        "file": file,
        "sha256": C.sha256_file(os.path.join(OUT, file)),
        "sizeBytes": os.path.getsize(os.path.join(OUT, file)),
        "input": {"name": "input", "shape": shape, "layout": layout, "elementType": element, "colorSpace": color,
                  "preprocess": preprocess},
        "output": {"name": "probabilities", "kind": "probabilities"},
        "labels": [str(i) for i in range(10)],
        "temperature": 1.0,
        "metrics": {"heldOutAccuracy": round(accuracy, 6), "heldOutCount": count},
        "training": {"onnxOpset": opset, "onnxOps": ops, "exporter": f"torch {torch.__version__}"},
    }


# ----------------------------------------------------------------------------- more bring-your-own models
# Everything below only adds files; the two models above are trained and exported exactly as before (same seeds,
# same order), so their bytes do not change.

DATA = os.path.join(OUT, "data")
DIGIT_LABELS = [str(i) for i in range(10)]
CALIBRATION_COUNT = 200  # of the 270 calibration rows; held-out data is every held-out row (360)


class Opset9Softmax(nn.Module):
    """An old exporter's small CNN: NCHW [N,1,8,8] float, final Softmax, opset 9."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(12, 16, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        return torch.softmax(self.head(torch.flatten(self.conv(x), 1)), dim=1)


class SigmoidOkNg(nn.Module):
    """An inspection model: NCHW [N,1,8,8] float, one output [N,1] = P(NG) from a final Sigmoid."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Linear(8 * 4 * 4, 16), nn.ReLU(), nn.Linear(16, 1))

    def logit(self, x):
        return self.head(torch.flatten(self.conv(x), 1))

    def forward(self, x):
        return torch.sigmoid(self.logit(x))


class TextDirection(nn.Module):
    """A text-direction model: NCHW [N,3,48,192] RGB, classes up / down (rotated 180°), final Softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),    # 24 x 96
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),   # 12 x 48
            nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU(),  # 6 x 24
            nn.Conv2d(16, 8, 3, stride=2, padding=1), nn.ReLU())   # 3 x 12
        self.head = nn.Linear(8 * 3 * 12, 2)

    def forward(self, x):
        return torch.softmax(self.head(torch.flatten(self.conv(x), 1)), dim=1)


def conv_bn(cin, cout, k, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]


class SqueezeExcite(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)

    def forward(self, x):
        s = nn.functional.hardsigmoid(self.fc2(torch.relu(self.fc1(self.pool(x)))))
        return x * s


class TinyMobileNetV3(nn.Module):
    """MobileNetV3-style: Conv+BN+HardSwish stem, an inverted residual with depthwise conv and squeeze-excite, GAP, Gemm."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn(1, 16, 3, stride=2), nn.Hardswish())             # 16 x 16
        self.block = nn.Sequential(
            *conv_bn(16, 32, 1), nn.Hardswish(),
            *conv_bn(32, 32, 3, groups=32), nn.Hardswish(),
            SqueezeExcite(32, 8),
            *conv_bn(32, 16, 1))
        self.down = nn.Sequential(*conv_bn(16, 32, 3, stride=2), nn.Hardswish())            # 8 x 8
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.block(x)
        x = self.pool(self.down(x))
        return torch.softmax(self.head(torch.flatten(x, 1)), dim=1)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(cin, cout, 3, stride=stride), nn.ReLU(), *conv_bn(cout, cout, 3))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(*conv_bn(cin, cout, 1, stride=stride))

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class TinyResNet(nn.Module):
    """ResNet-style: Conv-BN-Relu stem, MaxPool, two basic blocks with Add, GAP, Gemm, final Softmax."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2))  # 4 x 4
        self.blocks = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 24, 2))  # 2 x 2
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(24, 10)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return torch.softmax(self.head(torch.flatten(x, 1)), dim=1)


def fit(model, inputs, targets, epochs, loss, augment=None, lr=0.01, seed=7):
    """Shuffled Adam minibatches of 64 (seeded), then eval mode."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(targets), generator=gen)
        for i in range(0, len(targets), 64):
            batch = order[i:i + 64]
            x = inputs[batch]
            if augment is not None:
                x = augment(x, gen)
            opt.zero_grad()
            loss(model, x, targets[batch]).backward()
            opt.step()
    model.eval()
    return model


def nll_of_probabilities(model, x, y):
    return nn.functional.nll_loss(torch.log(model(x) + 1e-9), y)


def bce_of_sigmoid(model, x, y):
    return nn.functional.binary_cross_entropy_with_logits(model.logit(x)[:, 0], y.to(torch.float32))


def export_model(model, dummy, path, opset, output, last_op, constant_folding=True, training=None):
    """torch.onnx.export with a dynamic batch, then the checker; returns the sorted op types."""
    import onnx

    kwargs = {} if training is None else {"training": training}
    torch.onnx.export(
        model, dummy, path, input_names=["input"], output_names=[output],
        dynamic_axes={"input": {0: "batch"}, output: {0: "batch"}}, opset_version=opset,
        do_constant_folding=constant_folding, **kwargs)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    assert m.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert m.graph.node[-1].op_type == last_op, m.graph.node[-1].op_type
    assert [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")] == [opset]
    return sorted({n.op_type for n in m.graph.node})


def initializers_to_constants(path):
    """Rewrites every initializer as a Constant node at the start of the graph, as paddle2onnx / tf2onnx leave weights."""
    import onnx
    from onnx import helper

    m = onnx.load(path)
    g = m.graph
    names = {t.name for t in g.initializer}
    constants = [helper.make_node("Constant", [], [t.name], name=f"const_{i}_{t.name}".replace(".", "_"), value=t)
                 for i, t in enumerate(g.initializer)]
    nodes = constants + list(g.node)
    del g.initializer[:]
    graph_inputs = [i for i in g.input if i.name not in names]
    del g.input[:]
    g.input.extend(graph_inputs)
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, path)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    assert not m.graph.initializer and [i.name for i in m.graph.input] == ["input"]
    produced_by_constant = {n.output[0] for n in m.graph.node if n.op_type == "Constant"}
    convs = [n for n in m.graph.node if n.op_type == "Conv"]
    assert convs and all(n.input[1] in produced_by_constant for n in convs), "Conv weights must come from Constant nodes"
    assert sum(n.op_type == "BatchNormalization" for n in m.graph.node) >= 4, "BatchNormalization must stay unfused"
    assert m.graph.node[-1].op_type == "Softmax"
    return sorted({n.op_type for n in m.graph.node})


def manifest_v2(name, file, description, shape, color, preprocess, output, kind, labels, ops, opset, accuracy, count,
                params, resize=None):
    doc_input = {"name": "input", "shape": shape, "layout": "NCHW", "elementType": "float32", "colorSpace": color,
                 "preprocess": preprocess}
    if resize is not None:
        doc_input["resize"] = resize
    return {
        "schemaVersion": 2,
        "name": name,
        "version": "1.0.0",
        "description": description,
        "file": file,
        "sha256": C.sha256_file(os.path.join(OUT, file)),
        "sizeBytes": os.path.getsize(os.path.join(OUT, file)),
        "input": doc_input,
        "output": {"name": output, "kind": kind},
        "labels": labels,
        "temperature": 1.0,
        "metrics": {"heldOutAccuracy": round(accuracy, 6), "heldOutCount": count, "parameters": params},
        "training": {"onnxOpset": opset, "onnxOps": ops, "exporter": f"torch {torch.__version__}"},
    }


def write_jsonl(path, rows):
    """One {"tensor": [...], "label": "..."} or {"image": "<base64 PNG>", "label": "..."} object per line."""
    import json

    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    assert os.path.getsize(path) < 1 << 20, (path, os.path.getsize(path))


def digit_rows(pixels, labels, names):
    return [{"tensor": [int(v) for v in p.reshape(-1)], "label": names[int(l)]} for p, l in zip(pixels, labels)]


def parameters(model):
    return int(sum(p.numel() for p in model.parameters()))


def png_rgb(pixels):
    """A minimal PNG encoder (no PIL here): 8-bit RGB, per row the filter with the smallest sum of |residual|."""
    import struct
    import zlib

    h, w, _ = pixels.shape
    rows = pixels.reshape(h, w * 3).astype(np.int16)
    out = bytearray()
    prev = np.zeros(w * 3, dtype=np.int16)
    for y in range(h):
        row = rows[y]
        left = np.concatenate([np.zeros(3, dtype=np.int16), row[:-3]])
        candidates = [(0, row), (1, row - left), (2, row - prev)]
        kind, filtered = min(candidates, key=lambda c: int(np.abs(((c[1] + 128) % 256) - 128).sum()))
        out.append(kind)
        out.extend((filtered % 256).astype(np.uint8).tobytes())
        prev = row

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(out), 9)) + chunk(b"IEND", b"")


def text_canvases(pixels, count, seed):
    """count pairs of 48×192 RGB uint8 canvases: 3–4 digits (8×8 upscaled ×5, nearest) in a row, nearer the top than
    the bottom (like text over its descender space), on a light tinted
    background with dark tinted ink; each canvas as is ("up") and rotated 180° ("down"), interleaved."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for _ in range(count):
        background = rng.uniform(0.75, 1.0, 3)
        ink = rng.uniform(0.0, 0.35, 3)
        alpha = np.zeros((48, 192), dtype=np.float64)
        slots = sorted(rng.choice(4, size=int(rng.integers(3, 5)), replace=False))
        for slot in slots:
            digit = pixels[int(rng.integers(len(pixels)))].astype(np.float64) / 16
            big = np.kron(digit, np.ones((5, 5)))
            y, x = int(rng.integers(0, 6)), slot * 48 + int(rng.integers(0, 9))
            alpha[y:y + 40, x:x + 40] = np.maximum(alpha[y:y + 40, x:x + 40], big)
        rgb = background[None, None, :] * (1 - alpha[..., None]) + ink[None, None, :] * alpha[..., None]
        up = np.rint(rgb * 255).astype(np.uint8)
        images += [up, up[::-1, ::-1].copy()]
        labels += [0, 1]
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def generate_more(split):
    import base64

    os.makedirs(DATA, exist_ok=True)
    _, train_px, train_y = split["train"]
    _, cal_px, cal_y = split["calibration"]
    _, test_px, test_y = split["heldout"]
    cal_px, cal_y = cal_px[:CALIBRATION_COUNT], cal_y[:CALIBRATION_COUNT]
    y = torch.from_numpy(train_y)
    raw8 = {"rawScale": 0.0625, "invertImage": False, "mean": [0.0], "std": [1.0]}

    def x8(px):
        return torch.from_numpy(px.astype(np.float32)[:, None] / 16)

    def accuracy(model, x, labels):
        with torch.no_grad():
            return float((model(x).argmax(1).numpy() == labels).mean())

    def digit_data(name, names=DIGIT_LABELS, to_label=lambda l: l):
        write_jsonl(os.path.join(DATA, f"{name}-calibration.jsonl"), digit_rows(cal_px, to_label(cal_y), names))
        write_jsonl(os.path.join(DATA, f"{name}-heldout.jsonl"), digit_rows(test_px, to_label(test_y), names))

    # 0. Data for the NHWC uint8 model above (not retrained): the digits as the 0..255 paper pixels it was trained on.
    write_jsonl(os.path.join(DATA, "byo-nhwc-uint8-calibration.jsonl"), digit_rows(paper(cal_px), cal_y, DIGIT_LABELS))
    write_jsonl(os.path.join(DATA, "byo-nhwc-uint8-heldout.jsonl"), digit_rows(paper(test_px), test_y, DIGIT_LABELS))

    # 1. opset 9, final Softmax.
    C.seed_everything(7)
    name = "byo-opset9-softmax"
    model = fit(Opset9Softmax(), x8(train_px), y, 30, nll_of_probabilities)
    acc = accuracy(model, x8(test_px), test_y)
    ops = export_model(model, torch.zeros(1, 1, 8, 8), os.path.join(OUT, name + ".onnx"), 9, "probabilities", "Softmax")
    C.write_json(os.path.join(OUT, name + ".manifest.json"), manifest_v2(
        name, name + ".onnx", "Bring-your-own test model: NCHW float32 [N,1,8,8] CNN, final Softmax, opset 9.",
        [-1, 1, 8, 8], "gray", raw8, "probabilities", "probabilities", DIGIT_LABELS, ops, 9, acc, len(test_y),
        parameters(model)))
    digit_data(name)
    print(name, acc)

    # 2. OK/NG with one sigmoid output: NG (label index 1, the sigmoid's positive class) = digits 0–4.
    C.seed_everything(7)
    name = "byo-sigmoid-okng"
    okng = ["OK", "NG"]

    def is_ng(labels):
        return (labels < 5).astype(np.int64)

    model = fit(SigmoidOkNg(), x8(train_px), torch.from_numpy(is_ng(train_y)), 30, bce_of_sigmoid)
    with torch.no_grad():
        # The scorer's top-1: [1 − p, p] arg-maxed, a tie going to OK (index 0).
        acc = float(((model(x8(test_px))[:, 0].numpy() > 0.5).astype(np.int64) == is_ng(test_y)).mean())
    ops = export_model(model, torch.zeros(1, 1, 8, 8), os.path.join(OUT, name + ".onnx"), 13, "probability", "Sigmoid")
    C.write_json(os.path.join(OUT, name + ".manifest.json"), manifest_v2(
        name, name + ".onnx",
        "Bring-your-own test model: OK/NG inspection, NCHW float32 [N,1,8,8], one output [N,1] from a final Sigmoid "
        "= P(NG); NG = digits 0-4, OK = digits 5-9; opset 13.",
        [-1, 1, 8, 8], "gray", raw8, "probability", "sigmoid", okng, ops, 13, acc, len(test_y), parameters(model)))
    digit_data(name, okng, is_ng)
    print(name, acc)

    # 3. Text direction, non-square RGB 48×192, images as data.
    C.seed_everything(7)
    name = "byo-text-48x192"
    direction = ["up", "down"]
    train_img, train_dir = text_canvases(train_px, 1200, 11)
    cal_img, cal_dir = text_canvases(cal_px, 60, 12)
    test_img, test_dir = text_canvases(test_px, 120, 13)
    unit = train_img.astype(np.float32) / 255
    mean = [round(float(v), 3) for v in unit.mean(axis=(0, 1, 2))]
    std = [round(float(v), 3) for v in unit.std(axis=(0, 1, 2))]
    m_t = torch.tensor(mean).view(1, 3, 1, 1)
    s_t = torch.tensor(std).view(1, 3, 1, 1)

    def x_text(images):  # what Preprocessor.FromImage gives a 192×48 PNG: pixel / 255, then (x − mean) / std
        return (torch.from_numpy(images.astype(np.float32) / 255).permute(0, 3, 1, 2) - m_t) / s_t

    def noisy(x, gen):  # light pixel noise, training only
        return x + torch.randn(x.shape, generator=gen) * (0.03 / s_t)

    model = fit(TextDirection(), x_text(train_img).contiguous(), torch.from_numpy(train_dir), 8, nll_of_probabilities, noisy, lr=0.003)
    acc = accuracy(model, x_text(test_img), test_dir)
    ops = export_model(model, torch.zeros(1, 3, 48, 192), os.path.join(OUT, name + ".onnx"), 13, "probabilities", "Softmax")
    C.write_json(os.path.join(OUT, name + ".manifest.json"), manifest_v2(
        name, name + ".onnx",
        "Bring-your-own test model: text direction (up / down = rotated 180 degrees), NCHW float32 RGB [N,3,48,192], "
        "final Softmax, opset 13.",
        [-1, 3, 48, 192], "rgb", {"rawScale": 1 / 255, "invertImage": False, "mean": mean, "std": std},
        "probabilities", "probabilities", direction, ops, 13, acc, len(test_dir), parameters(model), resize="stretch"))
    for split_name, images, labels in (("calibration", cal_img, cal_dir), ("heldout", test_img, test_dir)):
        write_jsonl(os.path.join(DATA, f"{name}-{split_name}.jsonl"),
                    [{"image": base64.b64encode(png_rgb(i)).decode("ascii"), "label": direction[int(l)]}
                     for i, l in zip(images, labels)])
    print(name, acc)

    # 4. MobileNetV3-style at opset 11, BatchNormalization unfused, weights as Constant nodes.
    C.seed_everything(7)
    name = "byo-mnv3-bn-constant"
    spec = {"rawScale": 0.0625, "mean": [0.5], "std": [0.5], "height": 32, "width": 32, "channels": 1}

    def x32(px):  # raw 8×8 digits → ×1/16 → half-pixel bilinear to 32×32 → (x − 0.5) / 0.5, as FromSample does
        return torch.from_numpy(C.preprocess_raw(px, spec))

    model = fit(TinyMobileNetV3(), x32(train_px), y, 40, nll_of_probabilities, lr=0.001)
    acc = accuracy(model, x32(test_px), test_y)
    path = os.path.join(OUT, name + ".onnx")
    export_model(model, torch.zeros(1, 1, 32, 32), path, 11, "probabilities", "Softmax",
                 constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    ops = initializers_to_constants(path)
    C.write_json(os.path.join(OUT, name + ".manifest.json"), manifest_v2(
        name, name + ".onnx",
        "Bring-your-own test model: MobileNetV3-style (BatchNorm unfused, HardSwish, depthwise conv, squeeze-excite, "
        "residual), weights as Constant nodes, NCHW float32 [N,1,32,32] (8x8 digits upscaled), final Softmax, opset 11.",
        [-1, 1, 32, 32], "gray", {"rawScale": 0.0625, "invertImage": False, "mean": [0.5], "std": [0.5]},
        "probabilities", "probabilities", DIGIT_LABELS, ops, 11, acc, len(test_y), parameters(model)))
    digit_data(name)
    print(name, acc)

    # 5. ResNet-style, normal export (BatchNorm folded).
    C.seed_everything(7)
    name = "byo-resnet"
    model = fit(TinyResNet(), x8(train_px), y, 20, nll_of_probabilities)
    acc = accuracy(model, x8(test_px), test_y)
    ops = export_model(model, torch.zeros(1, 1, 8, 8), os.path.join(OUT, name + ".onnx"), 13, "probabilities", "Softmax")
    C.write_json(os.path.join(OUT, name + ".manifest.json"), manifest_v2(
        name, name + ".onnx",
        "Bring-your-own test model: ResNet-style (Conv-BN-Relu stem, MaxPool, two basic blocks with Add, GAP, Gemm), "
        "NCHW float32 [N,1,8,8], final Softmax, opset 13.",
        [-1, 1, 8, 8], "gray", raw8, "probabilities", "probabilities", DIGIT_LABELS, ops, 13, acc, len(test_y),
        parameters(model)))
    digit_data(name)
    print(name, acc)


def main():
    C.seed_everything(7)
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    split = C.load_split()
    if "--only-new" in sys.argv:  # just the models below generate_more (the first two are unchanged)
        generate_more(split)
        return
    _, train_px, train_y = split["train"]
    _, test_px, test_y = split["heldout"]
    y = torch.from_numpy(train_y)

    flat = train(FlatSoftmax(), torch.from_numpy(train_px.reshape(-1, 64).astype(np.float32) / 16), y)
    with torch.no_grad():
        acc = float((flat(torch.from_numpy(test_px.reshape(-1, 64).astype(np.float32) / 16)).argmax(1).numpy() == test_y).mean())
    ops = export(flat, torch.zeros(1, 64), os.path.join(OUT, "byo-flat-softmax.onnx"), 11, 1)
    C.write_json(os.path.join(OUT, "byo-flat-softmax.manifest.json"), manifest(
        "byo-flat-softmax", "byo-flat-softmax.onnx", [-1, 64], "NF", "float32", "gray",
        {"rawScale": 0.0625, "invertImage": False, "mean": [0.0], "std": [1.0]}, ops, 11, acc, len(test_y)))

    C.seed_everything(7)
    nhwc = train(NhwcUint8(), torch.from_numpy(paper(train_px)[..., None]), y)
    with torch.no_grad():
        acc = float((nhwc(torch.from_numpy(paper(test_px)[..., None])).argmax(1).numpy() == test_y).mean())
    ops = export(nhwc, torch.zeros(1, 8, 8, 1, dtype=torch.uint8), os.path.join(OUT, "byo-nhwc-uint8.onnx"), 12, 2)
    # Pixels go in as they are (0..255): x = pixel / 255, then (x − 0) / (1/255). Tensors are 0..255 pixels too.
    C.write_json(os.path.join(OUT, "byo-nhwc-uint8.manifest.json"), manifest(
        "byo-nhwc-uint8", "byo-nhwc-uint8.onnx", [-1, 8, 8, 1], "NHWC", "uint8", "gray",
        {"rawScale": 0.00392156862745098, "invertImage": False, "mean": [0.0], "std": [0.00392156862745098]}, ops, 12, acc, len(test_y)))
    generate_more(split)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
