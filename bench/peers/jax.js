// @jax-js/jax as a peer, in numgrad's process. It needs a browser-like `navigator`
// (gpu from Dawn and a userAgent string) before it loads: bench/peers/navigator.js.
// Each function takes and returns host Float32Arrays, so the time includes the upload and
// the readback, as for numgrad's typed-array path.

let loaded;
/** The jax module and the devices it could start ('wasm', 'webgpu', ...), or an error string. */
export async function loadJax() {
  loaded ??= (async () => {
    try {
      const jax = await import('@jax-js/jax');
      const devices = await jax.init();
      return { jax, devices };
    } catch (e) {
      return { error: String(e?.message ?? e).split('\n')[0] };
    }
  })();
  return loaded;
}

/**
 * Batched gradients of f(x) = Σ x_j² at N points of n dims on `device`: numerical, as a
 * jax user writes it (vmap over the 2n perturbed copies of each point, under jit; step
 * c·max(|x|, 1) with c = ∛ε(float32)), and analytic (jit(vmap(grad(f)))).
 */
export function jaxSquares(jax, device, n) {
  const { numpy: np, jit, vmap, grad } = jax;
  const c = Math.cbrt(2 ** -23);
  const f = (x) => np.sum(np.square(x));
  const numerical = jit(vmap((x) => {
    const h = np.maximum(np.abs(x.ref), 1).mul(c);
    const D = np.eye(n).mul(h.ref); // row j: h_j·e_j
    const fp = np.sum(np.square(x.ref.add(D.ref)), 1);
    const fm = np.sum(np.square(x.sub(D)), 1);
    return fp.sub(fm).div(h.mul(2));
  }));
  const analytic = jit(vmap(grad(f)));
  const run = (fn) => async (data, N) => {
    jax.defaultDevice(device);
    const X = np.array(data, { shape: [N, n], dtype: np.float32 });
    const g = fn(X);
    return Float32Array.from(await g.data());
  };
  return { numerical: run(numerical), analytic: run(analytic) };
}

/**
 * TwoLayerNet loss (the book's: sigmoid hidden layer, softmax, mean cross-entropy with
 * 1e-7) and its gradient by jax.grad under jit; parameters as Float32Arrays.
 */
export function jaxNet(jax, device, { W1, b1, W2, b2, x, t, I, H, K, B }) {
  const { numpy: np, jit, grad, nn } = jax;
  jax.defaultDevice(device);
  const arr = (d, shape) => np.array(d, { shape, dtype: np.float32 });
  const X = arr(x, [B, I]), T = arr(t, [B, K]);
  const loss = (w1, c1, w2, c2, xx, tt) => {
    const z = nn.sigmoid(np.matmul(xx, w1).add(c1));
    const y = nn.softmax(np.matmul(z, w2).add(c2), -1);
    return np.sum(tt.mul(np.log(y.add(1e-7)))).mul(-1 / B);
  };
  const g = jit(grad(loss, { argnums: [0, 1, 2, 3] }));
  return async () => {
    jax.defaultDevice(device);
    const gs = g(arr(W1, [I, H]), arr(b1, [H]), arr(W2, [H, K]), arr(b2, [K]), X.ref, T.ref);
    return Promise.all(gs.map(async (a) => Float32Array.from(await a.data())));
  };
}
