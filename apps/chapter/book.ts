// The values the book (and the chapter's notes in shared/seeds) print, as oracles for the
// float64 CPU path, and the inputs that produce them.

export const F1 = '0.01*x^2 + 0.1*x'; // the book's function_1
export const F2 = 'x0^2 + x1^2'; // the book's function_2
/** function_tmp1 (x1 fixed at 4) and function_tmp2 (x0 fixed at 3) for the partial derivatives */
export const TMP1 = 'x*x + 4^2';
export const TMP2 = '3^2 + x*x';

export const BOOK = {
  diff: [
    { x: 5, value: 0.1999999999990898, exact: 0.2 },
    { x: 10, value: 0.2999999999986347, exact: 0.3 },
  ],
  partial: [
    { name: '∂f/∂x0 at (3, 4)', f: TMP1, x: 3, value: 6.00000000000378, exact: 6 },
    { name: '∂f/∂x1 at (3, 4)', f: TMP2, x: 4, value: 7.999999999999119, exact: 8 },
  ],
  gradient: [
    { x: [3, 4], value: [6, 8] },
    { x: [0, 2], value: [0, 4] },
    { x: [3, 0], value: [6, 0] },
  ],
  // fresh init_x each time (the book updates it in place); 100 steps from (−3, 4)
  descent: [
    { lr: 0.1, value: [-6.11110793e-10, 8.14814391e-10] },
    { lr: 10, value: [-2.58983747e13, -1.29524862e12] },
    { lr: 1e-10, value: [-2.99999994, 3.99999992] },
  ],
  descentStart: [-3, 4],
  descentSteps: 100,
  simpleNet: {
    W: [
      [0.47355232, 0.9977393, 0.84668094],
      [0.85557411, 0.03563661, 0.69422093],
    ],
    x: [0.6, 0.9],
    t: [0, 0, 1],
    predict: [1.05414809, 0.63071653, 1.1328074],
    /** with these 8-digit weights (the book prints 0.92806853663411326 from its unrounded W) */
    loss: 0.9280682857864075,
    dW: [
      [0.21924763, 0.14356247, -0.36281009],
      [0.32887144, 0.2153437, -0.54421514],
    ],
  },
} as const;

/** numpy's arange(start, stop, step) for the quiver grid (integer count, no float drift). */
export function arange(start: number, stop: number, step: number): number[] {
  const n = Math.ceil((stop - start) / step);
  return Array.from({ length: n }, (_, i) => start + i * step);
}
