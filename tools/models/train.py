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


# ============================================================================ recipes
# Each recipe reseeds, so a model is identical whether trained alone (--only) or in a full run.
CLOUD = dict(width=32, p_drop=0.3, epochs=40, lr=3e-3, bs=64, wd=5e-4, shift=1, seed=0)
EDGE = dict(hidden=8, epochs=30, lr=1e-2, bs=64, wd=1e-4, shift=0, seed=1, kd_t=4.0, kd_alpha=0.9)
CAM_V1 = dict(epochs=25, lr=3e-3, bs=64, wd=1e-4, shift=1, seed=0, warmup_epochs=1)
CAM_V2 = dict(epochs=1, lr=2e-4, bs=64, wd=1e-4, shift=1, seed=2)


def train_cloud(data):
    C.seed_everything(CLOUD["seed"])
    m = DigitsCNN(CLOUD["width"], CLOUD["p_drop"])
    return train_supervised(m, C.TorchPreprocess(DIGITS_SPEC), data["raw"]["train"], data["y"]["train"],
                            epochs=CLOUD["epochs"], lr=CLOUD["lr"], bs=CLOUD["bs"], wd=CLOUD["wd"],
                            shift=CLOUD["shift"], seed=CLOUD["seed"], tag="digits-cloud")


def train_edge(data, teacher):
    C.seed_everything(EDGE["seed"])
    m = DigitsMLP(EDGE["hidden"])
    for p in teacher.parameters():
        p.requires_grad_(False)
    teacher.eval()
    return train_supervised(m, C.TorchPreprocess(DIGITS_SPEC), data["raw"]["train"], data["y"]["train"],
                            epochs=EDGE["epochs"], lr=EDGE["lr"], bs=EDGE["bs"], wd=EDGE["wd"],
                            shift=EDGE["shift"], seed=EDGE["seed"], teacher=teacher,
                            kd_t=EDGE["kd_t"], kd_alpha=EDGE["kd_alpha"], tag="digits-edge")


def train_camera_v1(data):
    C.seed_everything(CAM_V1["seed"])
    m = camera_model()
    return train_supervised(m, C.TorchPreprocess(CAMERA_SPEC), data["raw"]["train"], data["y"]["train"],
                            epochs=CAM_V1["epochs"], lr=CAM_V1["lr"], bs=CAM_V1["bs"], wd=CAM_V1["wd"],
                            shift=CAM_V1["shift"], seed=CAM_V1["seed"],
                            warmup_epochs=CAM_V1["warmup_epochs"], tag="camera-mnv2-v1")


def train_camera_v2(data, v1):
    import copy
    C.seed_everything(CAM_V2["seed"])
    m = copy.deepcopy(v1)
    for p in m.parameters():
        p.requires_grad_(True)  # every layer trainable
    return train_supervised(m, C.TorchPreprocess(CAMERA_SPEC), data["raw"]["train"], data["y"]["train"],
                            epochs=CAM_V2["epochs"], lr=CAM_V2["lr"], bs=CAM_V2["bs"], wd=CAM_V2["wd"],
                            shift=CAM_V2["shift"], seed=CAM_V2["seed"], tag="camera-mnv2-v2")


# ============================================================================ evaluate + export
def f32(v):
    """float32 value -> shortest decimal that round-trips to the same float32."""
    return float(str(np.float32(v)))


def rnd(v, k=6):
    return float(round(float(v), k))


def evaluate_and_export(model, spec, data, *, file_stem, name, version, description, training):
    model.eval()
    pix = {k: data["split"][k][1] for k in ("calibration", "heldout")}
    lab = {k: data["split"][k][2] for k in ("calibration", "heldout")}
    # Evaluate on exactly the numpy contract output (the same tensors the C# side will build).
    logits = {k: predict(model, torch.from_numpy(C.preprocess_raw(pix[k], spec))) for k in pix}
    T = rnd(C.fit_temperature(logits["calibration"], lab["calibration"]), 6)
    ho, yh = logits["heldout"], lab["heldout"]
    pred = ho.argmax(1)
    acc = float((pred == yh).mean())
    metrics = {
        "heldOutAccuracy": rnd(acc), "heldOutCount": int(len(yh)), "parameters": n_params(model),
        "eceBefore": rnd(C.ece(ho, yh)), "eceAfter": rnd(C.ece(ho, yh, T)),
        "nllBefore": rnd(C.nll(ho, yh)), "nllAfter": rnd(C.nll(ho, yh, T)),
        "calibrationAccuracy": rnd(float((logits["calibration"].argmax(1) == lab["calibration"]).mean())),
    }

    # Golden samples: walk held-out in order, first correctly classified sample of each new
    # label, until 5.  Logits are recomputed one sample at a time (batch 1) in eval mode.
    golden, seen = [], set()
    for i in range(len(yh)):
        if pred[i] != yh[i] or yh[i] in seen:
            continue
        seen.add(int(yh[i]))
        x = torch.from_numpy(C.preprocess_raw(pix["heldout"][i:i + 1], spec))
        with torch.no_grad():
            gl = model(x)[0].numpy()
        assert int(gl.argmax()) == int(yh[i])
        golden.append({"pixels": [int(v) for v in pix["heldout"][i].reshape(-1)],
                       "expectedTop1": int(yh[i]), "logits": [f32(v) for v in gl]})
        if len(golden) == 5:
            break

    shape = [spec["channels"], spec["height"], spec["width"]]
    path = os.path.join(OUT, file_stem + ".onnx")
    ops = export_checked(model, shape, path)
    manifest = {
        "schemaVersion": 1,
        "name": name,
        "version": version,
        "description": description,
        "file": file_stem + ".onnx",
        "sha256": C.sha256_file(path),
        "sizeBytes": os.path.getsize(path),
        "input": {
            "name": "input",
            "shape": [-1] + shape,
            "layout": "NCHW",
            "colorSpace": "gray" if spec["channels"] == 1 else "rgb",
            "preprocess": {"rawScale": spec["rawScale"], "invertImage": True,
                           "mean": [float(v) for v in spec["mean"]], "std": [float(v) for v in spec["std"]]},
        },
        "output": {"name": "logits"},
        "labels": list(C.LABELS),
        "temperature": T,
        "metrics": metrics,
        "training": dict(training, onnxOpset=C.OPSET, onnxOps=ops),
        "golden": golden,
    }
    C.write_json(os.path.join(OUT, file_stem + ".manifest.json"), manifest)
    log(f"  {file_stem}: acc {acc:.4f}  params {metrics['parameters']}  size {manifest['sizeBytes']}  "
        f"T {T:.3f}  ECE {metrics['eceBefore']:.4f}->{metrics['eceAfter']:.4f}")
    return manifest


def export_checked(model, shape, path):
    ops = C.export_onnx(model, shape, path)
    # Export a second time to a temp file: the bytes must be identical (deterministic artefacts).
    tmp = path + ".tmp"
    try:
        C.export_onnx(model, shape, tmp)
        assert C.sha256_file(tmp) == C.sha256_file(path), "ONNX export is not byte-deterministic"
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return ops


# ============================================================================ README table
def write_models_readme():
    import json
    rows = []
    for stem in ("digits-cloud", "digits-edge", "camera-mnv2-v1", "camera-mnv2-v2"):
        p = os.path.join(OUT, stem + ".manifest.json")
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8") as f:
            m = json.load(f)
        mt = m["metrics"]
        rows.append(f"| `{stem}.onnx` | {m['name']} | {m['version']} | "
                    f"{'x'.join(str(d) for d in m['input']['shape'][1:])} {m['input']['colorSpace']} | "
                    f"{100 * mt['heldOutAccuracy']:.2f} % | {mt['parameters']:,} | {m['sizeBytes']:,} | "
                    f"{m['temperature']:.3f} | {mt['eceBefore']:.4f} | {mt['eceAfter']:.4f} |")
    text = f"""# models/

Generated by `tools/models/train.py` — do not edit by hand. Regenerate everything (from the repo root):

```sh
/usr/bin/python3 tools/models/train.py            # or: --only data|cloud|edge|camera
```

All models are trained on sklearn's bundled digits (1,797 real 8x8 scans), one stratified split
(seed 0): train 1,167 / calibration 270 / held-out 360 (`data/`). Each `.onnx` file is FP32,
opset {C.OPSET}, input `input` [batch, C, H, W] (dynamic batch), output `logits` [batch, 10] (raw logits;
divide by `temperature` before softmax). Each `<file>.manifest.json` carries the sha256, the
preprocessing contract, temperature, metrics and 5 golden samples (raw pixels + expected torch logits).

| File | Manifest name | Version | Input | Held-out top-1 (n=360) | Params | ONNX bytes | T | ECE before | ECE after |
|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + """

ECE: 15 equal-width confidence bins on the held-out split; T fitted on the calibration split by
minimising NLL (grid over log T, then LBFGS).

- `digits-cloud`: CNN (5 conv+BN+ReLU, 2 max-pools, dropout, linear), +-1 px shift augmentation.
- `digits-edge`: MLP 64->8->10 distilled from `digits-cloud` (KL on softened logits, T=4, alpha 0.9);
  deliberately much weaker so a confidence cascade edge -> cloud matters.
- `camera-mnv2-v1`: torchvision MobileNetV2 (width 0.5) from scratch on digits upscaled 8x8 -> 96x96
  (half-pixel bilinear), gray replicated to RGB, normalised (x-0.5)/0.5.
- `camera-mnv2-v2`: v1 fine-tuned for exactly one more epoch, every layer trainable (model update for
  delta-update experiments; same architecture, all weights changed).

`data/digits-heldout.json`, `data/digits-calibration.json`: the raw samples (`index` = row in
`load_digits()`, `label`, 64 `pixels` 0..16 row-major). `data/digits-train-indices.json`: train rows.
See `tools/models/README.md` for the preprocessing contract and the resize formula.
"""
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ============================================================================ main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["data", "cloud", "edge", "camera"],
                    help="data: split files only; cloud; edge (retrains the cloud teacher in memory, "
                         "does not re-export it); camera (v1 and v2)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    C.seed_everything(C.SEED)
    t_all = time.time()
    os.makedirs(OUT, exist_ok=True)

    split = C.load_split(C.SEED)
    C.write_data_files(split, DATA, C.SEED)
    data = {"split": split,
            "raw": {k: torch.tensor(v[1], dtype=torch.float32) for k, v in split.items()},
            "y": {k: torch.tensor(v[2]) for k, v in split.items()}}
    log("data: " + ", ".join(f"{k} {len(v[0])}" for k, v in split.items()))
    want = (lambda k: args.only in (None, k))
    common = {"dataSeed": C.SEED, "trainCount": int(len(split["train"][0]))}
    timings = {}

    if want("cloud") or want("edge"):
        t = time.time()
        cloud = train_cloud(data)
        timings["digits-cloud"] = time.time() - t
        if want("cloud"):
            evaluate_and_export(
                cloud, DIGITS_SPEC, data, file_stem="digits-cloud", name="digits-cloud", version="1.0.0",
                description="Cloud digit classifier: small CNN on 8x8 gray digits (most accurate tier).",
                training=dict(common, architecture="CNN conv32x2-pool-conv64x2-pool-conv128-dropout-linear",
                              optimizer="AdamW, cosine LR", epochs=CLOUD["epochs"], learningRate=CLOUD["lr"],
                              batchSize=CLOUD["bs"], weightDecay=CLOUD["wd"], seed=CLOUD["seed"],
                              augmentation="random shift +-1 px (zero fill) on raw 8x8"))
        if want("edge"):
            t = time.time()
            edge = train_edge(data, cloud)
            timings["digits-edge"] = time.time() - t
            evaluate_and_export(
                edge, DIGITS_SPEC, data, file_stem="digits-edge", name="digits-edge", version="1.0.0",
                description="Edge digit classifier: tiny MLP 64-8-10 distilled from digits-cloud.",
                training=dict(common, architecture=f"MLP 64-{EDGE['hidden']}-10 (ReLU)",
                              teacher="digits-cloud", distillation=dict(temperature=EDGE["kd_t"], alpha=EDGE["kd_alpha"]),
                              optimizer="AdamW, cosine LR", epochs=EDGE["epochs"], learningRate=EDGE["lr"],
                              batchSize=EDGE["bs"], weightDecay=EDGE["wd"], seed=EDGE["seed"], augmentation="none"))

    if want("camera"):
        t = time.time()
        v1 = train_camera_v1(data)
        timings["camera-mnv2-v1"] = time.time() - t
        cam_training = dict(common, architecture="torchvision mobilenet_v2(width_mult=0.5, num_classes=10)",
                            optimizer="AdamW, 1 warm-up epoch then cosine LR", learningRate=CAM_V1["lr"],
                            batchSize=CAM_V1["bs"], weightDecay=CAM_V1["wd"],
                            augmentation="random shift +-1 px on raw 8x8, before upscaling")
        evaluate_and_export(
            v1, CAMERA_SPEC, data, file_stem="camera-mnv2-v1", name="camera-mnv2", version="1.0.0",
            description="Camera digit classifier v1: MobileNetV2x0.5 on 96x96 RGB (upscaled digits).",
            training=dict(cam_training, epochs=CAM_V1["epochs"], seed=CAM_V1["seed"]))
        t = time.time()
        v2 = train_camera_v2(data, v1)
        timings["camera-mnv2-v2"] = time.time() - t
        evaluate_and_export(
            v2, CAMERA_SPEC, data, file_stem="camera-mnv2-v2", name="camera-mnv2", version="2.0.0",
            description="Camera digit classifier v2: v1 fine-tuned one more epoch, all layers trainable.",
            training=dict(cam_training, baseModel="camera-mnv2-v1.onnx (1.0.0)", epochs=CAM_V2["epochs"],
                          optimizer="AdamW, cosine LR over the epoch, all layers trainable",
                          learningRate=CAM_V2["lr"], seed=CAM_V2["seed"]))

    write_models_readme()
    for k, v in timings.items():
        log(f"train time {k}: {v:.1f}s")
    log(f"total wall time: {time.time() - t_all:.1f}s")


if __name__ == "__main__":
    main()
