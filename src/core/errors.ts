/** Base class of every error numgrad throws on purpose. */
export class NumgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A caller passed something unusable; `argument` names it. */
export class ArgumentError extends NumgradError {
  constructor(readonly argument: string, detail: string) {
    super(`numgrad: ${argument}: ${detail}`);
  }
}

/** 'webgpu' was demanded but no adapter could be had. */
export class NoAdapterError extends NumgradError {
  constructor(readonly attempts: string[], hint: string) {
    super(
      `numgrad: no WebGPU adapter found (tried: ${attempts.join('; ') || 'nothing'}).\n` +
        `  To get one: ${hint}.\n` +
        "  Or use createContext({ backend: 'auto' }) to fall back to the CPU path.",
    );
  }
}

/** The GPU device went away (driver reset, device.destroy(), tab backgrounded...). */
export class DeviceLostError extends NumgradError {
  constructor(readonly reason: string, readonly detail: string, readonly operation: string | null = null) {
    super(`numgrad: WebGPU device lost${operation ? ` during ${operation}` : ''} (${reason})${detail ? ': ' + detail : ''}`);
  }

  /** The same loss, naming the operation that was running when it happened. */
  during(operation: string): DeviceLostError {
    return this.operation ? this : new DeviceLostError(this.reason, this.detail, operation);
  }
}

/** WGSL that failed to compile; `line`/`column` are 1-based within `source`. */
export class ShaderCompileError extends NumgradError {
  constructor(
    readonly shader: string,
    readonly line: number,
    readonly column: number,
    readonly messages: string,
    readonly source: string,
  ) {
    super(`numgrad: WGSL in '${shader}' does not compile:\n${messages}`);
  }
}

/** A WebGPU validation / out-of-memory / internal error surfaced by the device. */
export class GpuError extends NumgradError {}

/** Used after dispose(). */
export class DisposedError extends NumgradError {
  constructor() {
    super('numgrad: this context has been disposed; create a new one with createContext()');
  }
}
