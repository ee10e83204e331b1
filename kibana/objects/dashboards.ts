import { MINUTES_TO_ACK, MINUTES_TO_RESOLVE, dataViewId } from './data-views.js';
import { col, lensPanel, type LensPanel } from './lens.js';
import { triageSearchId } from './searches.js';
import { CORE_MIGRATION_VERSION, PANEL_VERSION, type ObjectOptions, type SavedObject, type SavedObjectReference } from './types.js';

export const dashboardIds = (o: ObjectOptions) => ({
  soc: `${o.indexPrefix}-soc-overview`,
  playbooks: `${o.indexPrefix}-playbook-activity`,
  ingest: `${o.indexPrefix}-ingest-health`,
});

/** A saved search embedded by reference (`panelRefName`), as Kibana exports it. */
function searchPanel(id: string, searchId: string, grid: { x: number; y: number; w: number; h: number }): LensPanel {
  const refName = `panel_${id}`;
  return {
    panel: {
      version: PANEL_VERSION,
      type: 'search',
      panelIndex: id,
      gridData: { ...grid, i: id },
      embeddableConfig: {},
      panelRefName: refName,
    },
    references: [{ name: `${id}:${refName}`, type: 'search', id: searchId }],
  };
}

function dashboard(id: string, title: string, description: string, panels: LensPanel[]): SavedObject {
  const references: SavedObjectReference[] = panels.flatMap((p) => p.references);
  return {
    type: 'dashboard',
    id,
    attributes: {
      title,
      description,
      panelsJSON: JSON.stringify(panels.map((p) => p.panel)),
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }) },
    },
    references,
    coreMigrationVersion: CORE_MIGRATION_VERSION,
    typeMigrationVersion: '8.9.0',
    managed: false,
  };
}

function socOverview(o: ObjectOptions, id: string): SavedObject {
  const incidents = dataViewId(o, 'incidents');
  return dashboard(
    id,
    'Vigil SOC overview',
    'Incidents by severity and status, top rules and entities, time to acknowledge and to resolve.',
    [
      lensPanel({
        id: 'severity',
        title: 'Incidents by severity',
        dataView: incidents,
        columns: { t: col.overTime(), s: col.top('incident.severity', 5, 'n', 'Severity'), n: col.count('Incidents') },
        vis: { kind: 'bar', x: 't', split: 's', y: ['n'] },
        grid: { x: 0, y: 0, w: 24, h: 12 },
      }),
      lensPanel({
        id: 'status',
        title: 'Incidents by status',
        dataView: incidents,
        columns: { t: col.overTime(), s: col.top('incident.status', 3, 'n', 'Status'), n: col.count('Incidents') },
        vis: { kind: 'bar', x: 't', split: 's', y: ['n'] },
        grid: { x: 24, y: 0, w: 24, h: 12 },
      }),
      lensPanel({
        id: 'rules',
        title: 'Top rules',
        dataView: incidents,
        columns: { r: col.top('incident.rule.name', 10, 'n', 'Rule'), n: col.count('Incidents') },
        vis: { kind: 'table', columns: ['r', 'n'] },
        grid: { x: 0, y: 12, w: 16, h: 12 },
      }),
      lensPanel({
        id: 'hosts',
        title: 'Top hosts',
        dataView: incidents,
        columns: { h: col.top('incident.entities.hosts', 10, 'n', 'Host'), n: col.count('Incidents') },
        vis: { kind: 'table', columns: ['h', 'n'] },
        grid: { x: 16, y: 12, w: 12, h: 12 },
      }),
      lensPanel({
        id: 'users',
        title: 'Top users',
        dataView: incidents,
        columns: { u: col.top('incident.entities.users', 10, 'n', 'User'), n: col.count('Incidents') },
        vis: { kind: 'table', columns: ['u', 'n'] },
        grid: { x: 28, y: 12, w: 12, h: 12 },
      }),
      lensPanel({
        id: 'mtta',
        title: 'Mean time to acknowledge (minutes)',
        dataView: incidents,
        columns: { m: col.average(MINUTES_TO_ACK, 'Minutes to acknowledge') },
        vis: { kind: 'metric', metric: 'm' },
        grid: { x: 40, y: 12, w: 8, h: 6 },
      }),
      lensPanel({
        id: 'mtta-median',
        title: 'Median time to acknowledge (minutes)',
        dataView: incidents,
        columns: { m: col.median(MINUTES_TO_ACK, 'Minutes to acknowledge') },
        vis: { kind: 'metric', metric: 'm' },
        grid: { x: 40, y: 18, w: 8, h: 6 },
      }),
      lensPanel({
        id: 'mttr',
        title: 'Mean time to resolve (minutes)',
        dataView: incidents,
        columns: { m: col.average(MINUTES_TO_RESOLVE, 'Minutes to resolve') },
        vis: { kind: 'metric', metric: 'm' },
        grid: { x: 0, y: 24, w: 24, h: 6 },
      }),
      lensPanel({
        id: 'mttr-median',
        title: 'Median time to resolve (minutes)',
        dataView: incidents,
        columns: { m: col.median(MINUTES_TO_RESOLVE, 'Minutes to resolve') },
        vis: { kind: 'metric', metric: 'm' },
        grid: { x: 24, y: 24, w: 24, h: 6 },
      }),
      searchPanel('triage', triageSearchId(o), { x: 0, y: 30, w: 48, h: 16 }),
    ],
  );
}

function playbookActivity(o: ObjectOptions, id: string): SavedObject {
  const actions = dataViewId(o, 'actions');
  return dashboard(id, 'Vigil playbook activity', 'Runs, their outcomes, failing steps and who changed what through the API.', [
    lensPanel({
      id: 'runs',
      title: 'Runs started by playbook',
      dataView: actions,
      query: 'event.action : "playbook.run.started"',
      columns: { t: col.overTime(), p: col.top('vigil.playbook.id', 10, 'n', 'Playbook'), n: col.count('Runs') },
      vis: { kind: 'bar', x: 't', split: 'p', y: ['n'] },
      grid: { x: 0, y: 0, w: 24, h: 12 },
    }),
    lensPanel({
      id: 'ended',
      title: 'Runs by outcome',
      dataView: actions,
      query: 'event.action : "playbook.run.ended"',
      columns: {
        p: col.top('vigil.playbook.id', 10, 'n', 'Playbook'),
        s: col.top('vigil.playbook.status', 5, 'n', 'Status'),
        n: col.count('Runs'),
      },
      vis: { kind: 'table', columns: ['p', 's', 'n'] },
      grid: { x: 24, y: 0, w: 24, h: 12 },
    }),
    lensPanel({
      id: 'failures',
      title: 'Failing step actions',
      dataView: actions,
      query: 'event.action : "playbook.step.failed"',
      columns: {
        a: col.top('vigil.playbook.action', 10, 'n', 'Action'),
        e: col.top('error.code', 5, 'n', 'Error'),
        n: col.count('Failures'),
      },
      vis: { kind: 'table', columns: ['a', 'e', 'n'] },
      grid: { x: 0, y: 12, w: 24, h: 12 },
    }),
    lensPanel({
      id: 'people',
      title: 'Changes by person',
      dataView: actions,
      query: 'event.action : api.*',
      columns: { u: col.top('user.name', 10, 'n', 'Who'), a: col.top('event.action', 10, 'n', 'What'), n: col.count('Changes') },
      vis: { kind: 'table', columns: ['u', 'a', 'n'] },
      grid: { x: 24, y: 12, w: 24, h: 12 },
    }),
  ]);
}

function ingestHealth(o: ObjectOptions, id: string): SavedObject {
  const events = dataViewId(o, 'events');
  const letters = dataViewId(o, 'deadletter');
  return dashboard(id, 'Vigil ingest health', 'Events per second per input, and what could not be processed.', [
    lensPanel({
      id: 'rate',
      title: 'Events per second by input',
      dataView: events,
      columns: { t: col.overTime(), i: col.top('vigil.input', 10, 'n', 'Input'), n: col.perSecond('Events/s') },
      vis: { kind: 'line', x: 't', split: 'i', y: ['n'] },
      grid: { x: 0, y: 0, w: 48, h: 12 },
    }),
    lensPanel({
      id: 'letters',
      title: 'Dead letters by reason',
      dataView: letters,
      columns: { t: col.overTime(), c: col.top('code', 10, 'n', 'Reason'), n: col.count('Dead letters') },
      vis: { kind: 'bar', x: 't', split: 'c', y: ['n'] },
      grid: { x: 0, y: 12, w: 24, h: 12 },
    }),
    lensPanel({
      id: 'where',
      title: 'Dead letters by stage and component',
      dataView: letters,
      columns: {
        s: col.top('stage', 4, 'n', 'Stage'),
        c: col.top('component', 10, 'n', 'Component'),
        r: col.top('code', 5, 'n', 'Reason'),
        n: col.count('Dead letters'),
      },
      vis: { kind: 'table', columns: ['s', 'c', 'r', 'n'] },
      grid: { x: 24, y: 12, w: 24, h: 12 },
    }),
  ]);
}

export function dashboards(o: ObjectOptions): SavedObject[] {
  const ids = dashboardIds(o);
  return [socOverview(o, ids.soc), playbookActivity(o, ids.playbooks), ingestHealth(o, ids.ingest)];
}
