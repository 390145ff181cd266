// The book's Python, transcribed (float64, h = 1e-4, x[i] ± h in place, divide by 2h): an
// independent reference the CPU path must match bit for bit.
export function bookGradient(f: (x: number[]) => number, x0: number[]): number[] {
  const h = 1e-4;
  const x = [...x0];
  return x.map((_, i) => {
    const t = x[i];
    x[i] = t + h;
    const a = f(x);
    x[i] = t - h;
    const b = f(x);
    x[i] = t;
    return (a - b) / (2 * h);
  });
}

/** gradient_descent on a fresh copy of init (the book mutates init_x in place). */
export function bookDescent(f: (x: number[]) => number, init: number[], lr: number, steps: number): number[] {
  const x = [...init];
  for (let s = 0; s < steps; s++) {
    const g = bookGradient(f, x);
    for (let i = 0; i < x.length; i++) x[i] -= lr * g[i];
  }
  return x;
}
