"""Bring-your-own test models: classifiers in the layouts other tools export, for Edge's loader tests.

Each is trained briefly on sklearn digits and exported the way a user's tool would leave it (final Softmax,
older opsets, NHWC uint8 input, a flat [N,F] input), with a manifest that describes it. Run from the repo root:

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


def main():
    C.seed_everything(7)
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    split = C.load_split()
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
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
