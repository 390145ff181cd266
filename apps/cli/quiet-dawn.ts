// Dawn (the `webgpu` package) prints two warnings from native code straight to the process's
// stderr every time an adapter is requested on lavapipe and some other Vulkan drivers:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to
//   16 to fit dynamic offset allocation limit.
// (and the same for storage buffers). They are harmless: Dawn caps a limit numgrad never uses
// (dynamic offsets), and no Dawn toggle or create() flag turns them off. JavaScript cannot
// intercept a native write to fd 2, so the CLI runs itself as a child with stderr piped and
// drops exactly those lines; everything else passes through. NUMGRAD_DAWN_WARNINGS=1 keeps
// them, and a library user sees them as printed (the README says why).
import { spawn } from 'node:child_process';

/** The lines dropped: Dawn's limit-capping notices, nothing else. */
export const DAWN_NOISE = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/;

const CHILD = 'NUMGRAD_CLI_CHILD';

/** Whether this process should relaunch itself with the filter (not when it is the child). */
export function wantsFilter(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env[CHILD] && env.NUMGRAD_DAWN_WARNINGS !== '1' && typeof process.argv[1] === 'string';
}

/** A line filter for a byte stream: complete lines are tested, a partial one waits for its end. */
export function lineFilter(write: (s: string) => void, drop: RegExp = DAWN_NOISE) {
  let pending = '';
  return {
    push(chunk: string) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const l of lines) if (!drop.test(l.replace(/\r$/, ''))) write(l + '\n');
    },
    end() {
      if (pending && !drop.test(pending)) write(pending);
      pending = '';
    },
  };
}

/** Runs this CLI again as a child with the same arguments, filtering its stderr; resolves to its exit code. */
export function runFiltered(args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], {
      stdio: ['inherit', 'inherit', 'pipe'],
      env: { ...process.env, [CHILD]: '1' },
    });
    const filter = lineFilter((s) => process.stderr.write(s));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => filter.push(s));
    // Ctrl-C reaches the child too (same process group): wait for it rather than die first.
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, forward(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    child.on('error', (e) => {
      process.stderr.write(`numgrad: ${e.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => {
      filter.end();
      for (const [sig, h] of handlers) process.off(sig, h);
      done(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}
