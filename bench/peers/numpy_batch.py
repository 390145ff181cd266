"""The book's numerical_gradient (chapter 4, float64, h = 1e-4) of x0^2 + x1^2 over a batch
of points, as a peer for bench/run.js. The book's function walks the rows of a 2-D X and,
in each row, perturbs one element at a time. Points: uniform in [-2, 2), rounded to
float32 like the other rows. Error: largest |g - 2x| / max(|2x|, 1) against the exact
gradient. Sizes whose estimated time passes the budget are skipped. Prints one JSON line:
{"rows": [{"points", "ms", "runs", "err"} | {"points", "skipped"}]}."""
import json
import sys
import time

import numpy as np


def function_2(x):
    return np.sum(x ** 2)


def _numerical_gradient_no_batch(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def numerical_gradient(f, X):
    if X.ndim == 1:
        return _numerical_gradient_no_batch(f, X)
    grad = np.zeros_like(X)
    for idx, x in enumerate(X):
        grad[idx] = _numerical_gradient_no_batch(f, x)
    return grad


def main():
    sizes = [int(float(v)) for v in sys.argv[1].split(",")]
    budget_s = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    rows = []
    per_point = None
    for n in sizes:
        if per_point is not None and per_point * n > budget_s:
            rows.append({"points": n, "skipped": f"~{per_point * n:.0f} s a call (over the {budget_s:.0f} s budget)"})
            continue
        rng = np.random.default_rng(n)
        X = rng.uniform(-2, 2, size=(n, 2)).astype(np.float32).astype(np.float64)
        exact = 2 * X
        times = []
        runs = 5 if n <= 1e4 else 1
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            g = numerical_gradient(function_2, X.copy())
            times.append(time.perf_counter() - t0)
        times = sorted(times[1:])
        ms = times[len(times) // 2] * 1000
        err = float(np.max(np.abs(g - exact) / np.maximum(np.abs(exact), 1)))
        per_point = ms / 1000 / n
        rows.append({"points": n, "ms": ms, "runs": runs, "err": err})
    print(json.dumps({"rows": rows, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
