"""Shared helpers for tools/models/train.py.

Data split, the preprocessing contract (including the half-pixel bilinear resize the
C# side must reproduce), temperature scaling / ECE, ONNX export + verification and
manifest writing.  Everything is deterministic given the seeds passed in.
"""
import hashlib
import json
import os
import random

import numpy as np
import torch
import torch.nn.functional as F

SEED = 0
LABELS = [str(i) for i in range(10)]
RAW_SCALE = 1.0 / 16.0
ECE_BINS = 15
OPSET = 13


# ----------------------------------------------------------------------------- seeds
def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


# ----------------------------------------------------------------------------- data
def load_split(seed=SEED):
    """Stratified split of sklearn digits: train ~65 %, calibration ~15 %, held-out 20 %.

    Returns dict name -> (indices int64[N], pixels uint8[N,8,8] in 0..16, labels int64[N]).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    images = np.rint(d.images).astype(np.int64)  # values are already integral 0..16
    assert images.min() >= 0 and images.max() <= 16
    y = d.target.astype(np.int64)
    idx = np.arange(len(y))
    n_cal = int(round(0.15 * len(y)))  # 270 (held-out: ceil(0.2 * 1797) = 360, train: 1167)
    rest, test = train_test_split(idx, test_size=0.20, stratify=y, random_state=seed)
    train, cal = train_test_split(rest, test_size=n_cal, stratify=y[rest], random_state=seed)
    out = {}
    for name, ii in (("train", train), ("calibration", cal), ("heldout", test)):
        ii = np.sort(ii)
        out[name] = (ii, images[ii], y[ii])
    return out


def write_data_files(split, data_dir, seed=SEED):
    os.makedirs(data_dir, exist_ok=True)
    for name in ("heldout", "calibration"):
        ii, px, y = split[name]
        doc = {
            "source": "sklearn.datasets.load_digits",
            "split": name,
            "seed": seed,
            "count": int(len(ii)),
            "samples": [
                {"index": int(i), "label": int(l), "pixels": [int(v) for v in p.reshape(-1)]}
                for i, p, l in zip(ii, px, y)
            ],
        }
        _write_json(os.path.join(data_dir, f"digits-{name}.json"), doc, compact_lists=True)
    ii = split["train"][0]
    _write_json(
        os.path.join(data_dir, "digits-train-indices.json"),
        {"source": "sklearn.datasets.load_digits", "split": "train", "seed": seed,
         "count": int(len(ii)), "indices": [int(i) for i in ii]},
        compact_lists=True,
    )


# ----------------------------------------------------------------------------- preprocessing contract
def resize_bilinear_half_pixel(x, out_h, out_w):
    """Bilinear resize with half-pixel centres (== torch interpolate bilinear, align_corners=False,
    antialias=False; == ONNX Resize linear/half_pixel).

    x: float array [..., H, W].  For each output coordinate d (per axis):
        s  = (d + 0.5) * (in / out) - 0.5
        s  = clamp(s, 0, in - 1)
        i0 = floor(s); i1 = min(i0 + 1, in - 1); w = s - i0
        v  = (1 - w) * x[i0] + w * x[i1]
    applied to rows and columns (separable; identical to the 4-neighbour formula
    (1-wy)(1-wx)x00 + (1-wy)wx x01 + wy(1-wx)x10 + wy wx x11).
    """
    x = np.asarray(x, dtype=np.float32)
    in_h, in_w = x.shape[-2], x.shape[-1]

    def axis(in_n, out_n):
        d = np.arange(out_n, dtype=np.float64)
        s = (d + 0.5) * (in_n / out_n) - 0.5
        s = np.clip(s, 0.0, in_n - 1)
        i0 = np.floor(s).astype(np.int64)
        i1 = np.minimum(i0 + 1, in_n - 1)
        w = (s - i0).astype(np.float32)
        return i0, i1, w

    r0, r1, wy = axis(in_h, out_h)
    c0, c1, wx = axis(in_w, out_w)
    x00 = x[..., r0[:, None], c0[None, :]]
    x01 = x[..., r0[:, None], c1[None, :]]
    x10 = x[..., r1[:, None], c0[None, :]]
    x11 = x[..., r1[:, None], c1[None, :]]
    wy = wy[:, None]
    wx = wx[None, :]
    out = (1 - wy) * ((1 - wx) * x00 + wx * x01) + wy * ((1 - wx) * x10 + wx * x11)
    return out.astype(np.float32)


def resize_matrix(in_n, out_n):
    """The 1-D resize above as a linear map M [out_n, in_n], so that Y = Mh @ X @ Mw^T."""
    m = np.zeros((out_n, in_n), dtype=np.float32)
    for k in range(in_n):
        e = np.zeros((in_n, 1), dtype=np.float32)
        e[k, 0] = 1.0
        m[:, k] = resize_bilinear_half_pixel(e, out_n, 1)[:, 0]  # [in_n,1] -> [out_n,1]
    return m


def preprocess_raw(pixels, spec):
    """Preprocessing contract applied to raw 8x8 digit tensors (0..16).

    pixels: [N, 8, 8] ints/floats 0..16.  spec: dict with rawScale, mean, std, height, width, channels.
    Returns float32 [N, C, H, W].  (Images would additionally be /255 and inverted x = 1 - x.)
    """
    x = np.asarray(pixels, dtype=np.float32) * np.float32(spec["rawScale"])
    h, w = spec["height"], spec["width"]
    if x.shape[-2:] != (h, w):
        x = resize_bilinear_half_pixel(x, h, w)
    x = x[:, None, :, :]
    c = spec["channels"]
    if c != 1:
        x = np.repeat(x, c, axis=1)
    mean = np.asarray(spec["mean"], dtype=np.float32).reshape(1, -1, 1, 1)
    std = np.asarray(spec["std"], dtype=np.float32).reshape(1, -1, 1, 1)
    return ((x - mean) / std).astype(np.float32)


class TorchPreprocess(torch.nn.Module):
    """Same contract in torch (for on-the-fly augmentation).  Resize is done with the exact
    linear maps built from resize_bilinear_half_pixel, so it is the same function."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        h, w = spec["height"], spec["width"]
        self.resize = (h, w) != (8, 8)
        if self.resize:
            self.register_buffer("mh", torch.from_numpy(resize_matrix(8, h)))
            self.register_buffer("mw", torch.from_numpy(resize_matrix(8, w)))
        self.register_buffer("mean", torch.tensor(spec["mean"], dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(spec["std"], dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, raw):  # raw: float [N, 8, 8] 0..16
        x = raw * self.spec["rawScale"]
        if self.resize:
            x = self.mh @ x @ self.mw.t()
        x = x.unsqueeze(1)
        if self.spec["channels"] != 1:
            x = x.expand(-1, self.spec["channels"], -1, -1)
        return (x - self.mean) / self.std


def random_shift(raw, gen, max_shift=1):
    """Shift each [8,8] raw digit by up to +-max_shift pixels in x and y (zero fill)."""
    n = raw.shape[0]
    padded = F.pad(raw, (max_shift,) * 4)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=gen)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=gen)
    out = torch.empty_like(raw)
    for k in range(n):
        out[k] = padded[k, dy[k]:dy[k] + 8, dx[k]:dx[k] + 8]
    return out


# ----------------------------------------------------------------------------- calibration
def nll(logits, labels, T=1.0):
    z = torch.as_tensor(logits, dtype=torch.float64) / T
    return float(F.cross_entropy(z, torch.as_tensor(labels), reduction="mean"))


def ece(logits, labels, T=1.0, bins=ECE_BINS):
    z = torch.as_tensor(logits, dtype=torch.float64) / T
    p = torch.softmax(z, dim=1)
    conf, pred = p.max(dim=1)
    correct = (pred == torch.as_tensor(labels)).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    total = 0.0
    n = len(labels)
    for b in range(bins):
        lo, hi = edges[b], edges[b + 1]
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += float(m.sum()) / n * abs(float(correct[m].mean()) - float(conf[m].mean()))
    return total


def fit_temperature(logits, labels):
    """Single temperature minimising calibration NLL: coarse grid over log T, then LBFGS."""
    z = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(labels)
    grid = np.linspace(np.log(0.05), np.log(20.0), 400)
    losses = [float(F.cross_entropy(z / np.exp(g), y)) for g in grid]
    log_t = torch.tensor([grid[int(np.argmin(losses))]], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.5, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(z / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.exp().item())


# ----------------------------------------------------------------------------- ONNX
def export_onnx(model, in_shape, path):
    import onnx

    model.eval()
    dummy = torch.zeros((1,) + tuple(in_shape), dtype=torch.float32)
    torch.onnx.export(
        model, dummy, path,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=OPSET, do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL, export_params=True,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    inf = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    (inp,) = [i for i in inf.graph.input if i.name == "input"]
    (out,) = inf.graph.output
    assert out.name == "logits"

    def dims(v):
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]

    assert dims(inp) == ["batch"] + list(in_shape), dims(inp)
    assert dims(out) == ["batch", 10], dims(out)
    ops = sorted({n.op_type for n in m.graph.node})
    banned = {"Dropout", "BatchNormalization", "RandomUniform", "RandomNormal",
              "RandomUniformLike", "RandomNormalLike", "Bernoulli"}
    assert not banned.intersection(ops), ops
    for t in m.graph.initializer:
        assert t.data_location != onnx.TensorProto.EXTERNAL, t.name
    assert all(o.version == OPSET for o in m.opset_import if o.domain in ("", "ai.onnx"))
    return ops


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- JSON
def _write_json(path, doc, compact_lists=False):
    text = json.dumps(doc, indent=2)
    if compact_lists:
        # put number lists (pixels, logits, indices) on one line to keep files readable/small
        import re
        text = re.sub(r'\[\s+([-0-9.eE,\s"]+?)\s+\]',
                      lambda m: "[" + ", ".join(s.strip() for s in m.group(1).split(",")) + "]",
                      text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")


def write_json(path, doc):
    _write_json(path, doc, compact_lists=True)
