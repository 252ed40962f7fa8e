// One chart of the reports: horizontal bars (stacked or side by side) drawn with visx primitives as SVG, coloured
// through CSS variables (light and dark), with a "Table" toggle that shows the same numbers as a real table. A bar or
// a number that stands for decisions the decision log can show is a link there (Enter or a click).
import { AxisBottom } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { useId, type KeyboardEvent } from 'react';
import { useT } from '../i18n/useT';
import type { LogLink } from '../state/reports';
import { useReports } from '../state/reports';

export interface ChartSeries {
  key: string;
  label: string;
}

export interface ChartRow {
  key: string;
  label: string;
  values: Record<string, number | null>;
  /** Per series: the decisions behind the value in the decision log; absent when the log cannot filter to them. */
  links?: Record<string, LogLink | undefined>;
}

export interface ChartProps {
  id: string;
  title: string;
  note?: string;
  rows: readonly ChartRow[];
  series: readonly ChartSeries[];
  /** stacked: parts of one whole; grouped: measures side by side (e.g. median and p90). */
  mode: 'stacked' | 'grouped';
  format(value: number): string;
  /** Columns only the table shows (a rate, a count measured). */
  extra?: readonly { label: string; value(row: ChartRow): string }[];
  /** Whether a value is a count of decisions (its link says how many). */
  counts: boolean;
}

const WIDTH = 640;
const LABEL = 150;
const ROW = 28;
const TOP = 8;
const AXIS = 28;

function activate(event: KeyboardEvent, run: () => void) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    run();
  }
}

export function ReportChart({ id, title, note, rows, series, mode, format, extra = [], counts }: ChartProps) {
  const t = useT();
  const titleId = useId();
  const showTable = useReports((s) => s.tables[id] ?? false);
  const toggleTable = useReports((s) => s.toggleTable);
  const openLog = useReports((s) => s.openLog);
  const linkLabel = (value: number) => (counts ? t('reports.link', { count: value }) : undefined);

  return (
    <figure className="report-chart" data-testid={`report-${id}`} aria-labelledby={titleId}>
      <figcaption className="report-chart-head">
        <h3 id={titleId}>{title}</h3>
        <button type="button" aria-pressed={showTable} onClick={() => toggleTable(id)} data-testid={`report-${id}-toggle`}>
          {showTable ? t('reports.showChart') : t('reports.showTable')}
        </button>
      </figcaption>
      {note && <p className="muted small">{note}</p>}
      {showTable ? (
        <ChartTable title={title} rows={rows} series={series} format={format} extra={extra} openLog={openLog} linkLabel={linkLabel} />
      ) : (
        <Bars titleId={titleId} rows={rows} series={series} mode={mode} format={format} openLog={openLog} linkLabel={linkLabel} />
      )}
    </figure>
  );
}

function Bars({
  titleId,
  rows,
  series,
  mode,
  format,
  openLog,
  linkLabel,
}: Pick<ChartProps, 'rows' | 'series' | 'mode' | 'format'> & { titleId: string; openLog(link: LogLink): void; linkLabel(value: number): string | undefined }) {
  const t = useT();
  const height = TOP + rows.length * ROW + AXIS;
  const totals = rows.map((r) => (mode === 'stacked' ? series.reduce((sum, s) => sum + (r.values[s.key] ?? 0), 0) : Math.max(0, ...series.map((s) => r.values[s.key] ?? 0))));
  const x = scaleLinear<number>({ domain: [0, Math.max(1, ...totals)], range: [0, WIDTH - LABEL - 16], nice: true });
  const y = scaleBand<string>({ domain: rows.map((r) => r.key), range: [TOP, TOP + rows.length * ROW], padding: 0.2 });
  const inner = scaleBand<string>({ domain: series.map((s) => s.key), range: [0, y.bandwidth()], padding: 0.1 });
  return (
    <svg className="report-svg" viewBox={`0 0 ${WIDTH} ${height}`} role="group" aria-labelledby={titleId} data-testid="report-svg">
      <Group left={LABEL}>
        {rows.map((row) => {
          const top = y(row.key) ?? 0;
          let offset = 0;
          return (
            <g key={row.key}>
              <text className="report-axis-label" x={-8} y={top + y.bandwidth() / 2} textAnchor="end" dominantBaseline="middle">
                {row.label}
              </text>
              {series.map((s, i) => {
                const value = row.values[s.key];
                if (value === null || value === undefined || value <= 0) return null;
                const width = x(value);
                const barX = mode === 'stacked' ? offset : 0;
                const barY = mode === 'stacked' ? top : top + (inner(s.key) ?? 0);
                const barHeight = mode === 'stacked' ? y.bandwidth() : inner.bandwidth();
                if (mode === 'stacked') offset += width;
                const link = row.links?.[s.key];
                const label = t('reports.bar', { row: row.label, series: s.label, value: format(value) });
                return (
                  <Bar
                    key={s.key}
                    className={`report-bar report-series-${i % 6}${link ? ' report-bar-link' : ''}`}
                    x={barX}
                    y={barY}
                    width={Math.max(1, width)}
                    height={barHeight}
                    role={link ? 'link' : 'img'}
                    aria-label={link ? `${label}. ${linkLabel(value) ?? ''}` : label}
                    tabIndex={link ? 0 : undefined}
                    onClick={link ? () => openLog(link) : undefined}
                    onKeyDown={link ? (e: KeyboardEvent) => activate(e, () => openLog(link)) : undefined}
                  >
                    <title>{label}</title>
                  </Bar>
                );
              })}
            </g>
          );
        })}
        <AxisBottom
          top={TOP + rows.length * ROW}
          scale={x}
          numTicks={4}
          tickFormat={(v) => format(Number(v))}
          axisClassName="report-axis"
          tickLabelProps={() => ({ className: 'report-axis-label', textAnchor: 'middle' as const, fontSize: 11 })}
        />
      </Group>
      {series.length > 1 && (
        <Legend series={series} y={height - 6} />
      )}
    </svg>
  );
}

function Legend({ series, y }: { series: readonly ChartSeries[]; y: number }) {
  return (
    <g aria-hidden="true">
      {series.map((s, i) => (
        <g key={s.key} transform={`translate(${LABEL + i * 120}, ${y - 8})`}>
          <rect className={`report-bar report-series-${i % 6}`} width={10} height={10} />
          <text className="report-axis-label" x={14} y={9} fontSize={11}>
            {s.label}
          </text>
        </g>
      ))}
    </g>
  );
}

function ChartTable({
  title,
  rows,
  series,
  format,
  extra,
  openLog,
  linkLabel,
}: Pick<ChartProps, 'title' | 'rows' | 'series' | 'format'> & { extra: NonNullable<ChartProps['extra']>; openLog(link: LogLink): void; linkLabel(value: number): string | undefined }) {
  const t = useT();
  return (
    <table className="report-table" data-testid="report-table">
      <caption className="visually-hidden">{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('reports.chart.label')}</th>
          {series.map((s) => (
            <th key={s.key} scope="col">
              {s.label}
            </th>
          ))}
          {extra.map((e) => (
            <th key={e.label} scope="col">
              {e.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            {series.map((s) => {
              const value = row.values[s.key];
              const link = row.links?.[s.key];
              const text = value === null || value === undefined ? t('reports.summary.notAvailable') : format(value);
              return (
                <td key={s.key} data-series={s.key}>
                  {link && value ? (
                    <button type="button" className="link" aria-label={`${text}. ${linkLabel(value) ?? ''}`} onClick={() => openLog(link)}>
                      {text}
                    </button>
                  ) : (
                    text
                  )}
                </td>
              );
            })}
            {extra.map((e) => (
              <td key={e.label}>{e.value(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
