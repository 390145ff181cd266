// The block machine's kernels: one small function per operation and variant (vm-run.ts
// calls them from its dispatch), so V8 optimises each loop on its own: measured 2.5× faster
// than the same loops inline in one large switch. A, Q: operand arrays (x or the register
// file) at offsets ao, bo; R at d receives m results; *Sq squares them, *Red adds them to r.
/* eslint-disable max-len */
type A = Float64Array;

export function add(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] + Q[bo + k]; }
export function addSq(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] + Q[bo + k]; R[d + k] = v * v; } }
export function addRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] + Q[bo + k]; return r; }
export function addSqRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] + Q[bo + k]; r += v * v; } return r; }
export function sub(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] - Q[bo + k]; }
export function subSq(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] - Q[bo + k]; R[d + k] = v * v; } }
export function subRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] - Q[bo + k]; return r; }
export function subSqRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] - Q[bo + k]; r += v * v; } return r; }
export function mul(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] * Q[bo + k]; }
export function mulSq(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] * Q[bo + k]; R[d + k] = v * v; } }
export function mulRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] * Q[bo + k]; return r; }
export function mulSqRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] * Q[bo + k]; r += v * v; } return r; }
export function div(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] / Q[bo + k]; }
export function divSq(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] / Q[bo + k]; R[d + k] = v * v; } }
export function divRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] / Q[bo + k]; return r; }
export function divSqRed(A: A, ao: number, Q: A, bo: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] / Q[bo + k]; r += v * v; } return r; }
export function mulc(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] * c; }
export function mulcSq(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] * c; R[d + k] = v * v; } }
export function mulcRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] * c; return r; }
export function mulcSqRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] * c; r += v * v; } return r; }
export function addc(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] + c; }
export function addcSq(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] + c; R[d + k] = v * v; } }
export function addcRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] + c; return r; }
export function addcSqRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] + c; r += v * v; } return r; }
export function subc(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] - c; }
export function subcSq(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] - c; R[d + k] = v * v; } }
export function subcRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] - c; return r; }
export function subcSqRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] - c; r += v * v; } return r; }
export function csub(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = c - A[ao + k]; }
export function csubSq(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = c - A[ao + k]; R[d + k] = v * v; } }
export function csubRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += c - A[ao + k]; return r; }
export function csubSqRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = c - A[ao + k]; r += v * v; } return r; }
export function divc(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] / c; }
export function divcSq(A: A, ao: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] / c; R[d + k] = v * v; } }
export function divcRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] / c; return r; }
export function divcSqRed(A: A, ao: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] / c; r += v * v; } return r; }
// a constant times one operand, then + or − the other (a MULC folded into its one user)
export function adds(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] * c + Q[bo + k]; }
export function addsSq(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] * c + Q[bo + k]; R[d + k] = v * v; } }
export function addsRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] * c + Q[bo + k]; return r; }
export function addsSqRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] * c + Q[bo + k]; r += v * v; } return r; }
export function subs(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] * c - Q[bo + k]; }
export function subsSq(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] * c - Q[bo + k]; R[d + k] = v * v; } }
export function subsRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] * c - Q[bo + k]; return r; }
export function subsSqRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] * c - Q[bo + k]; r += v * v; } return r; }
export function adds2(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] + Q[bo + k] * c; }
export function adds2Sq(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] + Q[bo + k] * c; R[d + k] = v * v; } }
export function adds2Red(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] + Q[bo + k] * c; return r; }
export function adds2SqRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] + Q[bo + k] * c; r += v * v; } return r; }
export function subs2(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = A[ao + k] - Q[bo + k] * c; }
export function subs2Sq(A: A, ao: number, Q: A, bo: number, c: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k] - Q[bo + k] * c; R[d + k] = v * v; } }
export function subs2Red(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += A[ao + k] - Q[bo + k] * c; return r; }
export function subs2SqRed(A: A, ao: number, Q: A, bo: number, c: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k] - Q[bo + k] * c; r += v * v; } return r; }
export function sq(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) { const v = A[ao + k]; R[d + k] = v * v; } }
export function sqRed(A: A, ao: number, m: number, r: number): number { for (let k = 0; k < m; k++) { const v = A[ao + k]; r += v * v; } return r; }
export function neg(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = -A[ao + k]; }
export function exp(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.exp(A[ao + k]); }
export function log(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.log(A[ao + k]); }
export function sqrt(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.sqrt(A[ao + k]); }
export function sin(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.sin(A[ao + k]); }
export function cos(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.cos(A[ao + k]); }
export function tanh(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.tanh(A[ao + k]); }
export function abs(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.abs(A[ao + k]); }
export function sigmoid(A: A, ao: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = 1 / (1 + Math.exp(-A[ao + k])); }
export function pow(A: A, ao: number, Q: A, bo: number, R: A, d: number, m: number): void { for (let k = 0; k < m; k++) R[d + k] = Math.pow(A[ao + k], Q[bo + k]); }
/** the running sum (or product) of a block that did not reduce in its last operation */
export function reduce(R: A, d: number, m: number, r: number): number { for (let k = 0; k < m; k++) r += R[d + k]; return r; }
export function reduceProd(R: A, d: number, m: number, r: number): number { for (let k = 0; k < m; k++) r *= R[d + k]; return r; }
