import { PANEL_VERSION, type SavedObjectReference } from './types.js';

/**
 * Lens visualizations by value, in the shape Kibana 8.9+ exports inside a dashboard's
 * `panelsJSON`: one form-based layer `l1` over one data view, whose reference is named
 * `indexpattern-datasource-layer-l1` inside the panel and `<panel>:indexpattern-datasource-layer-l1`
 * on the dashboard.
 */
export type Column = Record<string, unknown> & { operationType: string; sourceField?: string };

const LAYER = 'l1';
export const LAYER_REF = `indexpattern-datasource-layer-${LAYER}`;

export const col = {
  overTime: (field = '@timestamp'): Column => ({
    label: field,
    dataType: 'date',
    operationType: 'date_histogram',
    sourceField: field,
    isBucketed: true,
    scale: 'interval',
    params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
  }),
  top: (field: string, size: number, orderBy: string, label?: string): Column => ({
    label: label ?? `Top values of ${field}`,
    dataType: 'string',
    operationType: 'terms',
    sourceField: field,
    isBucketed: true,
    scale: 'ordinal',
    params: {
      size,
      orderBy: { type: 'column', columnId: orderBy },
      orderDirection: 'desc',
      otherBucket: true,
      missingBucket: false,
      parentFormat: { id: 'terms' },
    },
  }),
  count: (label = 'Count', extra: Record<string, unknown> = {}): Column => ({
    label,
    dataType: 'number',
    operationType: 'count',
    sourceField: '___records___',
    isBucketed: false,
    scale: 'ratio',
    params: { emptyAsNull: true },
    ...extra,
  }),
  /** A count normalized to a rate (Lens "normalize by unit"). */
  perSecond: (label: string): Column => col.count(label, { timeScale: 's' }),
  average: (field: string, label: string): Column => ({
    label,
    dataType: 'number',
    operationType: 'average',
    sourceField: field,
    isBucketed: false,
    scale: 'ratio',
    params: { emptyAsNull: true },
  }),
  median: (field: string, label: string): Column => ({ ...col.average(field, label), operationType: 'median' }),
};

export interface LensPanel {
  panel: Record<string, unknown>;
  references: SavedObjectReference[];
}

type Vis =
  | { kind: 'bar' | 'line'; x: string; split?: string; y: string[] }
  | { kind: 'table'; columns: string[] }
  | { kind: 'metric'; metric: string };

function visualization(v: Vis): { type: string; state: Record<string, unknown> } {
  if (v.kind === 'table') {
    return { type: 'lnsDatatable', state: { layerId: LAYER, layerType: 'data', columns: v.columns.map((columnId) => ({ columnId })) } };
  }
  if (v.kind === 'metric') return { type: 'lnsMetric', state: { layerId: LAYER, layerType: 'data', metricAccessor: v.metric } };
  const seriesType = v.kind === 'bar' ? 'bar_stacked' : 'line';
  return {
    type: 'lnsXY',
    state: {
      legend: { isVisible: true, position: 'right' },
      valueLabels: 'hide',
      preferredSeriesType: seriesType,
      layers: [
        {
          layerId: LAYER,
          layerType: 'data',
          seriesType,
          xAccessor: v.x,
          accessors: v.y,
          ...(v.split !== undefined ? { splitAccessor: v.split } : {}),
        },
      ],
    },
  };
}

export interface LensSpec {
  /** Panel index, unique within the dashboard. */
  id: string;
  title: string;
  dataView: string;
  /** Column id → column, in display order. */
  columns: Record<string, Column>;
  vis: Vis;
  /** A KQL query that narrows this panel. */
  query?: string;
  grid: { x: number; y: number; w: number; h: number };
}

export function lensPanel(s: LensSpec): LensPanel {
  const vis = visualization(s.vis);
  const ref: SavedObjectReference = { type: 'index-pattern', id: s.dataView, name: LAYER_REF };
  return {
    panel: {
      version: PANEL_VERSION,
      type: 'lens',
      panelIndex: s.id,
      gridData: { ...s.grid, i: s.id },
      title: s.title,
      embeddableConfig: {
        enhancements: {},
        attributes: {
          title: s.title,
          visualizationType: vis.type,
          type: 'lens',
          references: [ref],
          state: {
            visualization: vis.state,
            query: { query: s.query ?? '', language: 'kuery' },
            filters: [],
            datasourceStates: {
              formBased: {
                layers: { [LAYER]: { columns: s.columns, columnOrder: Object.keys(s.columns), incompleteColumns: {} } },
              },
            },
            internalReferences: [],
            adHocDataViews: {},
          },
        },
      },
    },
    references: [{ ...ref, name: `${s.id}:${LAYER_REF}` }],
  };
}
