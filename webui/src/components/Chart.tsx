// Chart wraps one ECharts instance (tree-shaken: only the charts and
// components voc uses are registered, and LabelLayout, without which a
// series' labelLayout, e.g. hideOverlap, is silently ignored). onClick receives the clicked data
// item; the instance is kept on the element as __chart for the browser
// tests, which click chart items by their pixel position.
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import type { EChartsCoreOption } from "echarts/core";
import { LabelLayout } from "echarts/features";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, LabelLayout, SVGRenderer]);

export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
  name: string;
  value: unknown;
  data: unknown;
}

export function Chart(props: { option: EChartsCoreOption; height?: number; label: string; testid?: string; onClick?: (c: ChartClick) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(props.onClick);
  click.current = props.onClick;
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: "svg" });
    chart.current = c;
    (el.current as unknown as { __chart: echarts.ECharts }).__chart = c;
    c.on("click", (p) => {
      const e = p as unknown as ChartClick;
      click.current?.({ seriesIndex: e.seriesIndex, dataIndex: e.dataIndex, name: e.name, value: e.value, data: e.data });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    // Tooltips render as chart text, never as HTML: names come from data.
    const opt = props.option as Record<string, unknown>;
    const tip = opt.tooltip ? { ...(opt.tooltip as object), renderMode: "richText" } : undefined;
    chart.current?.setOption(tip ? { ...opt, tooltip: tip } : opt, true);
  }, [props.option]);
  return (
    <div
      ref={el}
      className="chart"
      role="img"
      aria-label={props.label}
      data-chart={props.testid}
      style={{ height: props.height ?? 280, cursor: props.onClick ? "pointer" : undefined }}
    />
  );
}

/** palette: colours with at least 3:1 contrast on white for chart marks. */
export const palette = {
  positive: "#1a7f37",
  neutral: "#6e7781",
  negative: "#cf222e",
  primary: "#0b5cad",
  series: ["#0b5cad", "#b35900", "#1a7f37", "#8250df", "#cf222e", "#0a7d8c", "#9a6700", "#bf3989", "#57606a", "#116329"],
};
