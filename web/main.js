// The numgrad demo page: chapter 4 of "Deep Learning from Scratch" as live panels on the
// page's backend, with the float64 CPU path one toggle away. `?backend=auto|webgpu|cpu`
// picks the backend (links at the top). Everything a panel shows is published on
// window.numgradDemo.panels[key] (the browser test reads it): its last result, an update
// counter (seq), busy, and the wall time of every update (numgrad calls + redraw).
import { createContext } from 'numgrad';
import { panels } from './panels/index.js';
import { h } from './ui.js';

const $ = (sel) => document.querySelector(sel);
const demo = { backend: null, panels: {}, sections: {} };
globalThis.numgradDemo = demo;

const CHOICES = ['auto', 'webgpu', 'cpu'];

function describeBackend(ctx) {
  if (ctx.backend === 'webgpu') {
    const i = ctx.adapterInfo ?? {};
    // adapter.info may be empty (compatibility mode, privacy settings): say so rather than guess
    const parts = [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(' / ') || 'adapter info hidden';
    return `backend: webgpu — ${parts} (${i.featureLevel ?? '?'}${i.isFallbackAdapter ? ', software fallback adapter' : ''})`;
  }
  return `backend: cpu (float64)${ctx.fallbackReason ? ` — fallback: ${ctx.fallbackReason}` : ''}`;
}

/** A panel frame; `state` is pending → ok | error, mirrored in numgradDemo.sections. */
function frame(p) {
  const status = h('p', { className: 'status', role: 'status' }, 'running…');
  const out = h('div', { className: 'out' });
  const sec = h('section', { id: p.key, ariaLabelledby: `${p.key}-title`, className: p.slot ? 'slot' : '' },
    h('h2', { id: `${p.key}-title` }, p.title), h('p', { className: 'blurb' }, p.blurb), status, out);
  sec.dataset.state = 'pending';
  $('#sections').append(sec);
  const done = (state, text) => {
    sec.dataset.state = state;
    status.textContent = text;
    demo.sections[p.key] = state;
  };
  return { out, done };
}

/** ?backend=webgpu on a browser without WebGPU: say so, and link to the CPU view. */
function noWebgpu(e) {
  const line = $('#backend');
  line.textContent = 'backend: none — WebGPU was asked for and is not available';
  line.className = 'error';
  const cpuHref = `${location.pathname}?backend=cpu`;
  $('#sections').append(h('section', { className: 'notice', id: 'no-webgpu', role: 'alert' },
    h('h2', {}, 'WebGPU is not available in this browser'),
    h('p', {}, 'This address asks for the WebGPU backend (?backend=webgpu), but the browser did not give the page a GPU adapter. ',
      'WebGPU may be turned off, blocked for this GPU, or not supported yet.'),
    h('p', {}, h('a', { href: cpuHref, id: 'to-cpu' }, 'Open the CPU view (float64)'), ' — every panel works there, computed in JavaScript — or ',
      h('a', { href: `${location.pathname}?backend=auto` }, 'let the page choose'), '.'),
    h('details', {}, h('summary', {}, 'What numgrad reported'), h('pre', {}, String(e?.message ?? e).replace(/^numgrad: /, '')))));
  demo.noWebgpu = true;
}

async function main() {
  const asked = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const choice = CHOICES.includes(asked) ? asked : 'auto';
  for (const a of document.querySelectorAll('#backend-switch a')) {
    if (a.dataset.backend === choice) a.setAttribute('aria-current', 'page');
  }
  const line = $('#backend');
  let page;
  try {
    page = await createContext({ backend: choice, warn: false });
  } catch (e) {
    if (choice === 'webgpu') noWebgpu(e);
    else {
      line.textContent = `backend: none — ${e.message}`;
      line.className = 'error';
    }
    document.body.dataset.state = 'done';
    return;
  }
  // The float64 reference beside it (the same context when the page is on the CPU already).
  const cpu = page.backend === 'cpu' ? page : await createContext({ backend: 'cpu', warn: false });
  line.textContent = describeBackend(page) + (asked !== choice ? ` (unknown ?backend=${asked}: using auto)` : '');
  demo.backend = page.backend;
  demo.ctx = page; // for poking at it from the devtools console
  demo.cpu = cpu;

  for (const p of panels) {
    const { out, done } = frame(p);
    const pub = (demo.panels[p.key] = {});
    const t0 = performance.now();
    try {
      const note = await p.build({ cpu, gpu: page }, out, pub);
      done(p.slot ? 'slot' : 'ok', `${note} · first draw ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      done('error', `error: ${String(e?.message ?? e).replace(/^numgrad: /, '')}`);
      console.error(e);
    }
  }
  document.body.dataset.state = 'done';
}

main();
