// The sample plan shared by every operation of this folder: a list of evaluation points
// ("lanes"), each a base row plus up to two overridden coordinates. The Jacobian's ladder,
// jvp's directions, the Hessian's mixed-stencil corners and the colour groups of sparse
// problems are all such lists; the CPU evaluates them in float64, the GPU in float32 (one
// invocation per lane and output), and the reductions read the samples back by lane index.
// Perturbed coordinates are formed here, rounded to the path's precision by `round`, so the
// host knows every realised step exactly on both paths.

/** No coordinate overridden. */
export const NONE = 0xffffffff;

/** Rounding to the path's working precision: identity (float64) or Math.fround (float32). */
export type Round = (v: number) => number;

export class Plan {
  /** base rows (n numbers each), already rounded */
  private baseData: Float64Array;
  baseRows = 0;
  lanes = 0;
  row = new Uint32Array(64);
  i1 = new Uint32Array(64);
  i2 = new Uint32Array(64);
  v1 = new Float64Array(64);
  v2 = new Float64Array(64);

  constructor(readonly n: number, readonly round: Round) {
    this.baseData = new Float64Array(Math.max(1, n) * 4);
  }

  /** Adds a base row (copied, rounded); returns its index. */
  addRow(x: ArrayLike<number>): number {
    const n = this.n;
    if ((this.baseRows + 1) * n > this.baseData.length) {
      const grown = new Float64Array(Math.max(2 * this.baseData.length, (this.baseRows + 1) * n));
      grown.set(this.baseData);
      this.baseData = grown;
    }
    const at = this.baseRows * n;
    for (let i = 0; i < n; i++) this.baseData[at + i] = this.round(x[i]);
    return this.baseRows++;
  }

  /** Coordinate i of base row r. */
  at(r: number, i: number): number {
    return this.baseData[r * this.n + i];
  }

  get base(): Float64Array {
    return this.baseData.subarray(0, this.baseRows * this.n);
  }

  /** Adds a lane: base row r with coordinates i1, i2 set to v1, v2 (NONE: not set). */
  lane(r: number, i1 = NONE, v1 = 0, i2 = NONE, v2 = 0): number {
    if (this.lanes === this.row.length) this.grow();
    const l = this.lanes++;
    this.row[l] = r;
    this.i1[l] = i1;
    this.v1[l] = v1;
    this.i2[l] = i2;
    this.v2[l] = v2;
    return l;
  }

  private grow(): void {
    const c = 2 * this.row.length;
    const u = (a: Uint32Array) => { const b = new Uint32Array(c); b.set(a); return b; };
    const f = (a: Float64Array) => { const b = new Float64Array(c); b.set(a); return b; };
    this.row = u(this.row);
    this.i1 = u(this.i1);
    this.i2 = u(this.i2);
    this.v1 = f(this.v1);
    this.v2 = f(this.v2);
  }

  /** Lane l's point, written into `x` (length n). */
  point(l: number, x: Float64Array): Float64Array {
    x.set(this.baseData.subarray(this.row[l] * this.n, (this.row[l] + 1) * this.n));
    if (this.i1[l] !== NONE) x[this.i1[l]] = this.v1[l];
    if (this.i2[l] !== NONE) x[this.i2[l]] = this.v2[l];
    return x;
  }
}

/** The plan's samples: f's m outputs at every lane, lane-major (lanes × m). */
export interface Samples {
  values: Float64Array;
  m: number;
}
