/** Base class of every error numgrad throws on purpose. */
export class NumgradError extends Error {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'NumgradError';
  /**
   * An error with this message.
   * @param message the whole message, starting with `numgrad: `
   */
  constructor(message: string) {
    super(message);
  }
}

/** A caller passed something unusable; `argument` names it. */
export class ArgumentError extends NumgradError {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'ArgumentError';
  /**
   * The message is `numgrad: <argument>: <detail>`.
   * @param argument the argument's name, as in the call (`x[1][0]`, `h`, `options.lr`)
   * @param detail what is wrong with it
   */
  constructor(readonly argument: string, detail: string) {
    super(`numgrad: ${argument}: ${detail}`);
  }
}

/** 'webgpu' was demanded but no adapter could be had. */
export class NoAdapterError extends NumgradError {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'NoAdapterError';
  /**
   * The message lists the attempts and the hint, and suggests backend 'auto'.
   * @param attempts one line per adapter source tried and why it failed
   * @param hint how to get an adapter here
   */
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
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'DeviceLostError';
  /**
   * The message names the reason, the detail and the operation.
   * @param reason GPUDeviceLostInfo.reason
   * @param detail its message
   * @param operation the numgrad call that was running
   */
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
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'ShaderCompileError';
  /**
   * The message quotes the compiler's messages.
   * @param shader the shader's name
   * @param line 1-based
   * @param column 1-based
   * @param messages the compiler's messages
   * @param source the WGSL
   */
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
export class GpuError extends NumgradError {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'GpuError';
}

/** Used after dispose(). */
export class DisposedError extends NumgradError {
  /** the class's name, spelled out: a minifier renames classes */
  override name = 'DisposedError';
  /** The message says to create a new context. */
  constructor() {
    super('numgrad: this context has been disposed; create a new one with createContext()');
  }
}
