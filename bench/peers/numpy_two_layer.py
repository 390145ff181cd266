"""The book's TwoLayerNet numerical gradient in numpy (float64), as a speed peer for
bench/run.js. Times the plain per-parameter central-difference loop on a deterministic
subset of parameters and extrapolates to all of them (the full loop takes ~30-40 s).
Prints one JSON line: {"msPerGradient": ..., "paramsTimed": ..., "params": ...}."""
import json
import sys
import time

import numpy as np


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def softmax(a):
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y, t):
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


def main():
    inp, hid, out, batch = (int(v) for v in sys.argv[1:5]) if len(sys.argv) >= 5 else (784, 50, 10, 100)
    budget_s = float(sys.argv[5]) if len(sys.argv) >= 6 else 3.0
    rng = np.random.default_rng(1)
    p = {
        "W1": 0.01 * rng.standard_normal((inp, hid)), "b1": np.zeros(hid),
        "W2": 0.01 * rng.standard_normal((hid, out)), "b2": np.zeros(out),
    }
    x = (rng.random((batch, inp)) < 0.2) * rng.random((batch, inp))
    t = np.eye(out)[rng.integers(0, out, batch)]

    def loss():
        z1 = sigmoid(x @ p["W1"] + p["b1"])
        return cross_entropy(softmax(z1 @ p["W2"] + p["b2"]), t)

    total = sum(v.size for v in p.values())
    h = 1e-4
    timed = 0
    t0 = time.perf_counter()
    # Visit parameters round-robin over the four arrays so the sample is representative.
    flats = [p[k].reshape(-1) for k in ("W1", "b1", "W2", "b2")]
    i = 0
    while time.perf_counter() - t0 < budget_s:
        for f in flats:
            j = i % f.size
            old = f[j]
            f[j] = old + h
            fp = loss()
            f[j] = old - h
            fm = loss()
            f[j] = old
            _ = (fp - fm) / (2 * h)
            timed += 1
        i += 1
    per_param = (time.perf_counter() - t0) / timed
    print(json.dumps({"msPerGradient": per_param * total * 1000, "paramsTimed": timed, "params": total}))


if __name__ == "__main__":
    main()
