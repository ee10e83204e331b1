/** The console: a hash router over the views, each rendering into <main> from API data. */
import { token, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { caller, forgetSession, loadSession } from './session.js';
import { approvalsView } from './views/approvals.js';
import { incidentView } from './views/incident.js';
import { loginView } from './views/login.js';
import { queueView } from './views/queue.js';
import { runView } from './views/run.js';

// `#/incidents/<id>` is what incident documents link to (`vigil.links.console`); `#/incident/<id>` is kept as an alias.
const VIEWS = {
  login: loginView,
  queue: queueView,
  incidents: incidentView,
  incident: incidentView,
  approvals: approvalsView,
  run: runView,
};
const main = document.getElementById('main');
const who = document.getElementById('who');
let stop = () => undefined;
let rendering = 0;

/** `#/incident/abc?x=1` → { name: 'incident', args: ['abc'], query: URLSearchParams }. */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q = ''] = raw.split('?');
  const [name = '', ...args] = path.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  return { name: VIEWS[name] ? name : 'queue', args, query: new URLSearchParams(q) };
}

function logout() {
  token.clear();
  forgetSession();
  location.hash = '#/login';
}

function showCaller() {
  const me = caller();
  if (!me) return replace(who);
  replace(who, `${me.name} (${me.role}) `, h('button', { type: 'button', class: 'link', on: { click: logout } }, 'Log out'));
}

async function render() {
  const mine = ++rendering;
  stop();
  stop = () => undefined;
  let { name, args, query } = parseHash();
  if (!token.get()) name = 'login';
  else if (!caller()) {
    try {
      await loadSession();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) token.clear();
      name = 'login';
      query = new URLSearchParams({ error: err.message });
    }
  }
  if (mine !== rendering) return;
  showCaller();
  replace(main);
  try {
    const cleanup = await VIEWS[name](main, { args, query, rerender: render });
    if (mine !== rendering) return cleanup?.();
    if (typeof cleanup === 'function') stop = cleanup;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      token.clear();
      forgetSession();
      location.hash = '#/login';
      return;
    }
    replace(main, h('h1', { tabindex: '-1' }, 'Something went wrong'), h('p', { role: 'alert', class: 'error' }, err.message));
  }
  const heading = main.querySelector('h1');
  if (heading) {
    document.title = `${heading.textContent} · Vigil`;
    if (document.activeElement === document.body || !main.contains(document.activeElement)) heading.focus({ preventScroll: true });
  }
}

// The skip link targets <main> by id; as a hash it would be taken for a route.
document.querySelector('.skip')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', render);
render();
