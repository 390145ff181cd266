// `npm test`'s first step: the build and the type-check run side by side (they share no
// output), and the step fails if either does. Saves the typecheck's wall time on 2 cores.
import { spawn } from 'node:child_process';

const run = (script) => new Promise((done) => {
  const p = spawn('npm', ['run', script, '--silent'], { stdio: 'inherit' });
  p.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
});
const codes = await Promise.all([run('build'), run('typecheck')]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
