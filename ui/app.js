// jobc ui: the pages of runs, a run, a sweep and a comparison, drawn from the JSON API
// (compiler/server/ui/api.h), or, in a report (`jobc runs report`), from the answers the
// report carries. Every text from the store is placed with textContent or as a text node,
// never as HTML: a run named <script>alert(1)</script> shows as those characters.
'use strict';

(() => {
  const reportElement = document.getElementById('jobc-report-data');
  const report = reportElement ? JSON.parse(reportElement.textContent) : null;
  const main = document.getElementById('main');
  const POINTS = 1000;
  const TERMINAL = new Set(['completed', 'failed', 'canceled']);
  let cleanups = [];

  // ---- data ----
  async function api(path) {
    if (report) {
      if (!(path in report.answers)) throw new Error('not part of this report');
      return report.answers[path];
    }
    const response = await fetch(path, { credentials: 'same-origin' });
    const body = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }
  async function apiText(path) {
    if (report) {
      if (!(path in report.answers)) throw new Error('not part of this report');
      return report.answers[path];
    }
    const response = await fetch(path, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(response.statusText);
    return response.text();
  }
  const enc = encodeURIComponent;
  const runPath = (id) => '/api/runs/' + enc(id);
  const metricPath = (id, key, range) =>
    runPath(id) + '/metrics?key=' + enc(key) + '&points=' + POINTS +
    (range ? '&min_step=' + Math.floor(range[0]) + '&max_step=' + Math.ceil(range[1]) : '');

  // ---- DOM helpers: text only ----
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = String(value);
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const svg = (tag, attrs) => {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  };
  const number = (value) => value === null || value === undefined ? '' :
    (typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value));
  const time = (ms) => ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '';
  function duration(ms) {
    if (!(ms > 0)) return '';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }
  const badge = (status) => el('span', { class: 'status status-' + status, text: status });
  const runName = (run) => run.display_name || run.name || run.id;
  const runLink = (run) => el('a', { href: '#/run/' + enc(run.id), class: 'run-link', text: runName(run) });
  const section = (title, ...children) => el('section', {}, el('h2', { text: title }), ...children);
  function fail(where, error) {
    where.replaceChildren(el('p', { class: 'error', text: String(error.message || error) }));
  }
  function table(headers, rows, props) {
    return el('table', props || {},
      el('thead', {}, el('tr', {}, headers.map((h) => h instanceof Node ? el('th', {}, h) : el('th', { text: h })))),
      el('tbody', {}, rows));
  }
  function keyValues(title, values) {
    const keys = Object.keys(values || {}).sort();
    if (!keys.length) return section(title, el('p', { class: 'muted', text: 'none' }));
    return section(title, table(['key', 'value'],
      keys.map((k) => el('tr', {}, el('td', { text: k }), el('td', { text: values[k] })))));
  }
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];

  // ---- charts ----
  // A line chart of series [{label, points: [[x, y]], dashed, bold}], zoomed by dragging
  // across it (the server sends the range's points again); double-click resets.
  function lineChart(holder, series, options) {
    const canvas = el('canvas');
    const box = el('div', { class: 'chart-box' }, canvas);
    holder.replaceChildren(box);
    const toData = (points) => points.map(([x, y]) => ({ x, y }));
    const chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: series.map((s, i) => ({
          label: s.label,
          data: toData(s.points),
          borderColor: s.color || palette[i % palette.length],
          backgroundColor: s.color || palette[i % palette.length],
          borderWidth: s.bold ? 3 : 1.5,
          borderDash: s.dashed ? [6, 4] : [],
          pointRadius: 0,
          spanGaps: true,
        })),
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } } },
        plugins: { legend: { display: series.length > 1 || !!options.legend } },
      },
    });
    cleanups.push(() => chart.destroy());
    let from = null;
    canvas.addEventListener('mousedown', (event) => { from = event.offsetX; });
    canvas.addEventListener('mouseup', async (event) => {
      if (from === null || Math.abs(event.offsetX - from) < 5) { from = null; return; }
      const a = chart.scales.x.getValueForPixel(Math.min(from, event.offsetX));
      const b = chart.scales.x.getValueForPixel(Math.max(from, event.offsetX));
      from = null;
      await zoom([a, b]);
    });
    canvas.addEventListener('dblclick', () => zoom(null));
    async function zoom(range) {
      if (options.refetch && !report) {
        const fresh = await options.refetch(range);
        fresh.forEach((points, i) => { chart.data.datasets[i].data = toData(points); });
      }
      chart.options.scales.x.min = range ? range[0] : undefined;
      chart.options.scales.x.max = range ? range[1] : undefined;
      chart.update('none');
      box.dataset.zoomed = range ? 'yes' : 'no';
    }
    box.dataset.rendered = 'yes';
    return { chart, update(all) { all.forEach((points, i) => { chart.data.datasets[i].data = toData(points); }); chart.update('none'); } };
  }

  // ---- pages ----
  async function runsPage(params) {
    const query = new URLSearchParams(params);
    if (report) return reportHome();
    const filters = el('div', { class: 'filters' });
    const body = el('div', { id: 'runs-body' }, el('p', { text: 'Loading…' }));
    main.replaceChildren(el('h1', { text: 'Runs' }), filters, body);
    const go = (changes) => {
      const next = new URLSearchParams(query);
      for (const [k, v] of Object.entries(changes)) { if (v === '' || v === null) next.delete(k); else next.set(k, v); }
      if (!('offset' in changes)) next.delete('offset');
      location.hash = '#/runs?' + next.toString();
    };
    let data;
    try {
      data = await api('/api/runs?' + query.toString());
    } catch (error) { return fail(body, error); }
    const experiment = el('select', { id: 'filter-experiment', onchange: (e) => go({ experiment: e.target.value }) },
      el('option', { value: '', text: 'all experiments' }),
      data.experiments.map((x) => el('option', { value: x, text: x, selected: x === query.get('experiment') ? 'selected' : null })));
    const status = el('select', { id: 'filter-status', onchange: (e) => go({ status: e.target.value }) },
      el('option', { value: '', text: 'any status' }),
      ['queued', 'running', 'completed', 'failed', 'canceled'].map((s) =>
        el('option', { value: s, text: s, selected: s === query.get('status') ? 'selected' : null })));
    let typing = null;
    const text = el('input', { id: 'filter-text', type: 'search', placeholder: 'filter by text', value: query.get('q') || '',
      oninput: (e) => { clearTimeout(typing); typing = setTimeout(() => go({ q: e.target.value }), 300); } });
    const trials = el('label', {}, el('input', { type: 'checkbox', id: 'filter-trials', checked: query.get('trials') === '1' ? 'checked' : null,
      onchange: (e) => go({ trials: e.target.checked ? '1' : '' }) }), ' sweep trials');
    const compare = el('button', { id: 'compare-selected', onclick: () => {
      const ids = [...body.querySelectorAll('input.pick:checked')].map((c) => c.value);
      if (ids.length < 2) { alert('Pick two runs or more to compare.'); return; }
      location.hash = '#/compare/' + ids.map(enc).join(',');
    } }, 'Compare selected');
    filters.replaceChildren(experiment, status, text, trials, compare);
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);

    const sort = query.get('sort') || 'created';
    const order = query.get('order') || 'desc';
    const metricKeys = data.metric_keys.slice(0, 6);
    const columns = [['name', 'name'], ['status', 'status'], ['experiment', 'experiment'], ['backend', 'backend'],
      ['created', 'created'], ['duration', 'duration'], ...metricKeys.map((k) => ['metric:' + k, k])];
    const header = columns.map(([column, label]) => el('a', {
      href: '#', class: 'sort' + (sort === column ? ' sorted-' + order : ''), dataset: { sort: column },
      onclick: (e) => { e.preventDefault(); go({ sort: column, order: sort === column && order === 'desc' ? 'asc' : 'desc' }); },
    }, label));
    const rows = data.runs.map((run) => el('tr', { dataset: { runId: run.id } },
      el('td', {}, el('input', { type: 'checkbox', class: 'pick', value: run.id })),
      el('td', {}, runLink(run), run.job_type === 'sweep' ? el('a', { class: 'tag', href: '#/sweep/' + enc(run.id), text: 'sweep' }) : null),
      el('td', {}, badge(run.status)),
      el('td', { text: run.experiment }),
      el('td', { text: run.backend }),
      el('td', { text: time(run.created_ms) }),
      el('td', { text: duration(run.duration_ms) }),
      metricKeys.map((k) => el('td', { class: 'num', text: number(run.metrics[k]) }))));
    const last = Math.min(data.offset + data.runs.length, data.total);
    const pager = el('div', { class: 'pager' },
      el('button', { id: 'page-previous', disabled: data.offset === 0 ? 'disabled' : null,
        onclick: () => go({ offset: Math.max(0, data.offset - data.limit) }) }, '‹ previous'),
      el('span', { id: 'page-position', text: data.total ? `${data.offset + 1}–${last} of ${data.total}` : 'no runs' }),
      el('button', { id: 'page-next', disabled: last >= data.total ? 'disabled' : null,
        onclick: () => go({ offset: data.offset + data.limit }) }, 'next ›'));
    body.replaceChildren(table(['', ...header], rows, { id: 'runs-table' }), pager);
    document.body.dataset.page = 'runs';
  }

  async function runPage(id) {
    main.replaceChildren(el('p', { text: 'Loading…' }));
    let run;
    try { run = await api(runPath(id)); } catch (error) { return fail(main, error); }
    const title = el('h1', { id: 'run-title', text: runName(run) });
    const statusHolder = el('span', { id: 'run-status' }, badge(run.status));
    const actions = el('div', { class: 'actions' });
    if (!report && !TERMINAL.has(run.status)) actions.append(cancelButton(run));
    if (run.has_sweep) actions.append(el('a', { href: '#/sweep/' + enc(id), text: 'sweep trials' }));
    if (run.parent_id) actions.append(el('a', { href: '#/sweep/' + enc(run.parent_id), text: 'its sweep' }));
    const facts = el('p', { class: 'facts' },
      'id ', el('code', { text: run.id }), ' · experiment ', el('strong', { text: run.experiment }),
      ' · backend ', el('strong', { text: run.backend || '—' }),
      run.exit_code !== null ? ` · exit code ${run.exit_code}` : '',
      run.reason ? el('span', { class: 'reason', text: ' · ' + run.reason }) : '');
    const timeline = section('Timeline', el('ol', { class: 'timeline', id: 'timeline' },
      run.timeline.map((s) => el('li', {}, badge(s.status), ' ', time(s.at_ms)))));
    const metrics = el('section', { id: 'metrics' }, el('h2', { text: 'Metrics' }));
    const log = el('pre', { id: 'log', class: 'log' });
    const files = el('section', { id: 'files' }, el('h2', { text: 'Files' }));
    const artifacts = el('section', { id: 'artifacts' }, el('h2', { text: 'Compiled artifacts' }));
    main.replaceChildren(el('div', { class: 'title' }, title, statusHolder, actions), facts, timeline,
      el('div', { class: 'columns' }, keyValues('Parameters', run.params), keyValues('Tags', run.tags)),
      metrics, section('Log', log), files, artifacts);
    document.body.dataset.page = 'run';

    const charts = await metricCharts(run, metrics);
    showLog(run, log);
    browse(run, files, 'outputs', '');
    showArtifacts(run, artifacts);
    if (!report && !TERMINAL.has(run.status)) follow(run, statusHolder, charts, metrics);
  }

  // One chart per metric; returns how to refresh them.
  async function metricCharts(run, holder) {
    const keys = run.metrics.map((m) => m.key);
    if (!keys.length) { holder.append(el('p', { class: 'muted', text: 'no metrics' })); return {}; }
    const charts = {};
    const grid = el('div', { class: 'chart-grid' });
    holder.append(el('p', { class: 'hint', text: 'Drag across a chart to zoom, double-click to reset.' }), grid);
    await Promise.all(keys.map(async (key) => {
      const cell = el('div', { class: 'chart', dataset: { chartKey: key } });
      const caption = el('h3', { text: key });
      const place = el('div');
      grid.append(el('figure', {}, caption, cell));
      cell.append(place);
      try {
        const series = await api(metricPath(run.id, key));
        caption.append(el('span', { class: 'muted', text: ` (${series.total} points${series.total > series.points.length ? ', ' + series.points.length + ' shown' : ''})` }));
        charts[key] = lineChart(cell, [{ label: key, points: series.points }], {
          refetch: async (range) => [(await api(metricPath(run.id, key, range))).points],
        });
        cell.dataset.points = series.points.length;
        cell.dataset.rendered = 'yes';
      } catch (error) { fail(cell, error); }
    }));
    return charts;
  }

  async function showLog(run, pre) {
    let start = 0;
    try {
      const log = await api(runPath(run.id) + '/log');
      pre.textContent = (log.truncated ? '… (the beginning is left out)\n' : '') + log.text;
      start = log.size;
    } catch (error) { pre.textContent = String(error.message); return; }
    if (report || TERMINAL.has(run.status)) return;
    const source = new EventSource(runPath(run.id) + '/log/stream?from=' + start);
    source.onmessage = (event) => {
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.append(document.createTextNode(event.data + '\n'));
      if (pre.childNodes.length > 5000) pre.firstChild.remove();
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    };
    source.addEventListener('end', () => source.close());
    cleanups.push(() => source.close());
  }

  // While the run runs: its status and metrics again every second.
  function follow(run, statusHolder, charts, metrics) {
    let steps = Object.fromEntries(run.metrics.map((m) => [m.key, m.step + ':' + m.timestamp_ms]));
    const timer = setInterval(async () => {
      let now;
      try { now = await api(runPath(run.id)); } catch { return; }
      statusHolder.replaceChildren(badge(now.status));
      for (const m of now.metrics) {
        if (steps[m.key] === m.step + ':' + m.timestamp_ms) continue;
        steps[m.key] = m.step + ':' + m.timestamp_ms;
        if (charts[m.key]) {
          const series = await api(metricPath(run.id, m.key));
          charts[m.key].update([series.points]);
          metrics.querySelector(`[data-chart-key="${CSS.escape(m.key)}"]`).dataset.points = series.points.length;
        } else {
          clearInterval(timer);
          return route();  // a new metric: draw the page again
        }
      }
      if (TERMINAL.has(now.status)) { clearInterval(timer); route(); }
    }, 1000);
    cleanups.push(() => clearInterval(timer));
  }

  function cancelButton(run) {
    return el('button', { id: 'cancel-run', class: 'danger', onclick: async (event) => {
      if (!confirm(`Cancel run ${runName(run)}?`)) return;
      event.target.disabled = true;
      try {
        const session = await api('/api/session');
        const response = await fetch(runPath(run.id) + '/cancel', {
          method: 'POST', credentials: 'same-origin', headers: { 'X-Jobc-Token': session.token },
        });
        if (!response.ok) throw new Error((await response.json()).error);
        event.target.textContent = 'canceling…';
      } catch (error) {
        event.target.disabled = false;
        alert('Cannot cancel: ' + error.message);
      }
    } }, 'Cancel run');
  }

  async function browse(run, holder, root, path) {
    const tabs = el('div', { class: 'tabs' }, ['outputs', 'logs'].map((r) =>
      el('button', { class: r === root ? 'active' : '', dataset: { root: r }, onclick: () => browse(run, holder, r, '') }, r)));
    const listing = el('div', { class: 'listing' }, el('p', { text: 'Loading…' }));
    holder.replaceChildren(el('h2', { text: 'Files' }), tabs, listing);
    let data;
    try {
      data = await api(runPath(run.id) + '/files?root=' + root + '&path=' + enc(path));
    } catch (error) { return fail(listing, error); }
    const parts = path ? path.split('/') : [];
    const crumbs = el('p', { class: 'crumbs' }, el('a', { href: '#', onclick: (e) => { e.preventDefault(); browse(run, holder, root, ''); } }, root),
      parts.map((part, i) => [' / ', el('a', { href: '#', text: part, onclick: (e) => { e.preventDefault(); browse(run, holder, root, parts.slice(0, i + 1).join('/')); } })]));
    const rows = data.entries.map((entry) => {
      const full = path ? path + '/' + entry.name : entry.name;
      const link = entry.dir
        ? el('a', { href: '#', class: 'folder', text: entry.name + '/', onclick: (e) => { e.preventDefault(); browse(run, holder, root, full); } })
        : report ? el('span', { text: entry.name })
          : el('a', { href: runPath(run.id) + '/download?root=' + root + '&path=' + enc(full), download: entry.name, text: entry.name });
      return el('tr', {}, el('td', {}, link), el('td', { class: 'num', text: entry.dir ? '' : entry.size }));
    });
    listing.replaceChildren(crumbs, rows.length ? table(['name', 'bytes'], rows, { class: 'files' }) : el('p', { class: 'muted', text: 'empty' }),
      data.total > data.entries.length ? el('p', { class: 'muted', text: `${data.total - data.entries.length} more not listed` }) : '');
  }

  function showArtifacts(run, holder) {
    if (!run.artifacts.length) { holder.append(el('p', { class: 'muted', text: 'none recorded' })); return; }
    const viewer = el('pre', { class: 'artifact', id: 'artifact-view' });
    let shown = 0;  // the last file asked for wins, whichever answer comes first
    const list = el('ul', { class: 'artifact-list' }, run.artifacts.map((file) => el('li', {},
      el('a', { href: '#', text: file.path, dataset: { artifact: file.path }, onclick: async (e) => {
        e.preventDefault();
        const asked = ++shown;
        let content;
        try {
          content = await apiText(runPath(run.id) + '/download?root=artifacts&path=' + enc(file.path));
        } catch (error) { content = String(error.message); }
        if (asked === shown) { viewer.textContent = content; viewer.dataset.path = file.path; }
      } }), el('span', { class: 'muted', text: ` ${file.size} bytes` }))));
    holder.append(list, viewer);
    const first = list.querySelector('a');
    if (first) first.click();
  }

  async function sweepPage(id) {
    main.replaceChildren(el('p', { text: 'Loading…' }));
    let sweep;
    try { sweep = await api(runPath(id) + '/sweep'); } catch (error) { return fail(main, error); }
    document.body.dataset.page = 'sweep';
    const minimize = sweep.goal !== 'maximize';
    const trials = (sweep.trials || []).slice().sort((a, b) => {
      if ((a.metric === null) !== (b.metric === null)) return a.metric === null ? 1 : -1;
      return minimize ? a.metric - b.metric : b.metric - a.metric;
    });
    const names = [...new Set(trials.flatMap((t) => Object.keys(t.parameters || {})))].sort();
    const rows = trials.map((t) => el('tr', { class: t.run_id === sweep.best_trial ? 'best' : '', dataset: { trial: t.index } },
      el('td', { class: 'num', text: t.index }),
      el('td', {}, t.run ? runLink(t.run) : el('span', { text: t.run_id || '' })),
      el('td', {}, badge(t.status || (t.run && t.run.status) || '')),
      el('td', { class: 'num', text: number(t.metric) }),
      el('td', { text: t.early_terminated ? 'early terminated: ' + t.early_terminated : '' }),
      names.map((n) => el('td', { text: number((t.parameters || {})[n]) }))));
    const best = trials.find((t) => t.run_id === sweep.best_trial);
    const run = sweep.run || { id };
    main.replaceChildren(
      el('div', { class: 'title' }, el('h1', { id: 'sweep-title', text: 'Sweep ' + runName(run) }), run.status ? badge(run.status) : ''),
      el('p', { class: 'facts' }, 'objective: ', el('strong', { text: `${minimize ? 'minimize' : 'maximize'} ${sweep.primary_metric || ''}` }),
        ` · ${trials.length} trials`, best ? [' · best: trial ', el('strong', { id: 'best-trial', text: `${best.index} (${number(best.metric)})` })] : ''),
      section('Trials, best first', table(['trial', 'run', 'status', sweep.primary_metric || 'metric', 'early termination', ...names], rows, { id: 'trials-table' })),
      section('Parameters against ' + (sweep.primary_metric || 'the metric'), parallelCoordinates(trials, names, sweep)),
      el('section', { id: 'trial-curves' }, el('h2', { text: 'Every trial\'s ' + (sweep.primary_metric || 'metric') })));
    const others = palette.filter((color) => color !== '#d62728');  // red is the best's
    const curves = trials.filter((t) => t.curve && t.curve.length).map((t, i) => ({
      label: `trial ${t.index}${t.early_terminated ? ' (early terminated)' : ''}${t.run_id === sweep.best_trial ? ' (best)' : ''}`,
      points: t.curve, dashed: !!t.early_terminated, bold: t.run_id === sweep.best_trial,
      color: t.run_id === sweep.best_trial ? '#d62728' : t.early_terminated ? '#aaaaaa' : others[i % others.length],
    }));
    const holder = el('div', { class: 'chart', id: 'curves-chart' });
    main.querySelector('#trial-curves').append(holder);
    if (curves.length) lineChart(holder, curves, { legend: true });
    else holder.append(el('p', { class: 'muted', text: 'no curves logged' }));
  }

  // Parallel coordinates: an axis per parameter and one for the metric, a line per trial;
  // the best trial bold, early-terminated trials dashed.
  function parallelCoordinates(trials, names, sweep) {
    const axes = [...names, sweep.primary_metric || 'metric'];
    const value = (t, axis, i) => i === names.length ? t.metric : (t.parameters || {})[axis];
    const W = Math.max(480, axes.length * 140), H = 300, top = 30, bottom = 30, left = 60;
    const step = axes.length > 1 ? (W - 2 * left) / (axes.length - 1) : 0;
    const scales = axes.map((axis, i) => {
      const values = trials.map((t) => value(t, axis, i)).filter((v) => v !== null && v !== undefined);
      if (values.every((v) => typeof v === 'number')) {
        const lo = Math.min(...values), hi = Math.max(...values);
        return { at: (v) => typeof v !== 'number' ? null : H - bottom - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (H - top - bottom), labels: [[lo, H - bottom], [hi, top]] };
      }
      const kinds = [...new Set(values.map(String))].sort();
      const at = (v) => v === null || v === undefined ? null : H - bottom - (kinds.length === 1 ? 0.5 : kinds.indexOf(String(v)) / (kinds.length - 1)) * (H - top - bottom);
      return { at, labels: kinds.map((k) => [k, at(k)]) };
    });
    const root = svg('svg', { id: 'parallel-coordinates', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
    trials.forEach((t) => {
      const points = axes.map((axis, i) => [left + i * step, scales[i].at(value(t, axis, i))]).filter(([, y]) => y !== null);
      if (points.length < 2) return;
      const best = t.run_id === sweep.best_trial;
      const line = svg('polyline', { points: points.map((p) => p.join(',')).join(' '),
        class: 'trial-line' + (best ? ' best' : '') + (t.early_terminated ? ' early' : '') });
      const tip = svg('title');
      tip.textContent = `trial ${t.index}: ${number(t.metric)}`;
      line.append(tip);
      root.append(line);
    });
    axes.forEach((axis, i) => {
      const x = left + i * step;
      root.append(svg('line', { x1: x, x2: x, y1: top, y2: H - bottom, class: 'axis' }));
      const name = svg('text', { x, y: top - 12, 'text-anchor': 'middle', class: 'axis-name' });
      name.textContent = axis;
      root.append(name);
      for (const [label, y] of scales[i].labels) {
        const text = svg('text', { x: x + 4, y: y + 4, class: 'axis-label' });
        text.textContent = number(label);
        root.append(text);
      }
    });
    return root;
  }

  async function comparePage(ids) {
    main.replaceChildren(el('p', { text: 'Loading…' }));
    let data;
    try { data = await api('/api/compare?ids=' + ids.map(enc).join(',')); } catch (error) { return fail(main, error); }
    document.body.dataset.page = 'compare';
    const header = () => ['', ...data.runs.map((run) => runLink(run))];  // fresh nodes per table
    const paramRows = data.param_keys.map((key) => {
      const values = data.runs.map((run) => run.params[key]);
      const differs = new Set(values.map(String)).size > 1;
      return el('tr', { class: differs ? 'differs' : '' }, el('th', { text: key }), values.map((v) => el('td', { text: v === undefined ? '—' : v })));
    });
    const metricRows = data.metric_keys.map((key) => el('tr', {}, el('th', { text: key }),
      data.runs.map((run) => el('td', { class: 'num', text: number(run.metrics[key]) }))));
    const charts = el('div', { class: 'chart-grid', id: 'compare-charts' });
    main.replaceChildren(el('h1', { text: `Comparing ${data.runs.length} runs` }),
      section('Parameters', table(header(), paramRows, { id: 'compare-params' })),
      section('Latest metrics', table(header(), metricRows, { id: 'compare-metrics' })),
      section('Metrics by step', charts));
    await Promise.all(data.metric_keys.map(async (key) => {
      const cell = el('div', { class: 'chart', dataset: { chartKey: key } });
      charts.append(el('figure', {}, el('h3', { text: key }), cell));
      const runs = data.runs.filter((run) => key in run.metrics);
      try {
        const series = await Promise.all(runs.map((run) => api(metricPath(run.id, key))));
        lineChart(cell, series.map((s, i) => ({ label: runName(runs[i]), points: s.points })), {
          legend: true,
          refetch: async (range) => (await Promise.all(runs.map((run) => api(metricPath(run.id, key, range))))).map((s) => s.points),
        });
        cell.dataset.rendered = 'yes';
      } catch (error) { fail(cell, error); }
    }));
  }

  function reportHome() {
    document.body.dataset.page = 'report';
    const runs = report.runs;
    main.replaceChildren(el('h1', { text: 'jobc report' }),
      el('p', { class: 'facts', text: `${runs.length} runs · written ${time(report.written_ms)}` }),
      table(['run', 'status', 'experiment', 'backend', 'started', 'duration'], runs.map((run) => el('tr', { dataset: { runId: run.id } },
        el('td', {}, runLink(run), run.job_type === 'sweep' ? el('a', { class: 'tag', href: '#/sweep/' + enc(run.id), text: 'sweep' }) : null),
        el('td', {}, badge(run.status)), el('td', { text: run.experiment }), el('td', { text: run.backend }),
        el('td', { text: time(run.started_ms) }), el('td', { text: duration(run.duration_ms) }))), { id: 'runs-table' }),
      runs.length > 1 ? el('p', {}, el('a', { href: '#/compare/' + runs.map((r) => enc(r.id)).join(','), text: 'Compare these runs' })) : '');
  }

  // ---- routing ----
  function route() {
    for (const cleanup of cleanups) { try { cleanup(); } catch { /* already gone */ } }
    cleanups = [];
    const hash = location.hash.slice(1) || '/runs';
    const [path, search] = hash.split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'run' && parts[1]) return runPage(parts[1]);
    if (parts[0] === 'sweep' && parts[1]) return sweepPage(parts[1]);
    if (parts[0] === 'compare' && parts[1]) return comparePage(path.split('/')[2].split(',').map(decodeURIComponent));
    return runsPage(search || '');
  }
  window.addEventListener('hashchange', route);
  route();
})();
