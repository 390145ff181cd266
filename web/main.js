// The numgrad demo page: chapter 4 of "Deep Learning from Scratch" on the page's backend, with
// the float64 CPU path beside it. `?backend=cpu|webgpu|auto` picks the page's backend.
// Everything a section showed is published on window.numgradDemo (the browser test reads it).
import { createContext } from '../dist/browser.js';
import { playground } from './playground.js';
import { sections } from './sections.js';
import { h } from './ui.js';

const $ = (sel) => document.querySelector(sel);
const demo = { backend: null, sections: {} };
globalThis.numgradDemo = demo;

function describeBackend(ctx) {
  if (ctx.backend === 'webgpu') {
    const i = ctx.adapterInfo ?? {};
    // adapter.info may be empty (compatibility mode, privacy settings): say so rather than guess
    const parts = [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(' / ') || 'adapter info hidden';
    return `backend: webgpu — ${parts} (${i.featureLevel ?? '?'}${i.isFallbackAdapter ? ', software fallback adapter' : ''})`;
  }
  return `backend: cpu (float64)${ctx.fallbackReason ? ` — fallback: ${ctx.fallbackReason}` : ''}`;
}

/** A section frame; `state` is pending → ok | error, mirrored in numgradDemo.sections. */
function frame(key, title, blurb) {
  const status = h('p', { className: 'status' }, 'running…');
  const out = h('div', { className: 'out' });
  const sec = h('section', { id: key }, h('h2', {}, title), h('p', { className: 'blurb' }, blurb), status, out);
  sec.dataset.state = 'pending';
  $('#sections').append(sec);
  const done = (state, text) => {
    sec.dataset.state = state;
    status.textContent = text;
    demo.sections[key] = state;
  };
  return { out, done };
}

async function main() {
  const choice = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const line = $('#backend');
  let page;
  try {
    page = await createContext({ backend: choice });
  } catch (e) {
    line.textContent = `backend: none — ${e.message}`;
    line.className = 'error';
    document.body.dataset.state = 'error';
    return;
  }
  // The float64 reference beside it (the same context when the page is on the CPU already).
  const cpu = page.backend === 'cpu' ? page : await createContext({ backend: 'cpu' });
  line.textContent = describeBackend(page);
  demo.backend = page.backend;
  demo.ctx = page; // for poking at it from the devtools console
  demo.cpu = cpu;

  for (const s of sections) {
    const { out, done } = frame(s.key, s.title, s.blurb);
    const t0 = performance.now();
    try {
      const { note, data } = await s.run({ cpu, gpu: page }, out); // the chapter module's Contexts
      demo[s.key] = data;
      done('ok', `${note} · ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      done('error', `error: ${e?.message ?? e}`);
      console.error(e);
    }
  }

  const { out, done } = frame('playground', 'Try your own function',
    'Any expression in x0, x1, … (or x, or sum(x^2) over the whole vector) with + − * / ^ and exp, log, sqrt, sin, cos, tan, tanh, sigmoid, abs. ' +
    `The gradient is computed on ${page.backend === 'webgpu' ? 'WebGPU, one shader lane per x ± h·eᵢ,' : 'the CPU'} and checked against the symbolic derivative.`);
  await playground(page, out, (r) => { demo.playground = r; });
  done('ok', 'edit the expression or the point and press Enter');
  document.body.dataset.state = 'done';
}

main();
