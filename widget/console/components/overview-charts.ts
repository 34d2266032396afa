/**
 * The dashboard's bar charts (chart.js, tree-shaken: only the bar controller and its scales).
 * @example
 * drawBars(canvas, ["current", "1-30"], [{ label: "EUR", data: [1200, 300] }]);
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Draws (or redraws in place) a bar chart on a canvas; returns the chart. @example drawBars(c, ["a"], [{ label: "x", data: [1] }]) */
export function drawBars(canvas: HTMLCanvasElement, labels: string[], datasets: { label: string; data: number[]; backgroundColor?: string | string[] }[], previous?: Chart, text = "#545b66"): Chart {
  if (previous) {
    previous.options.color = text;
    previous.data.labels = labels;
    previous.data.datasets = datasets;
    previous.update();
    return previous;
  }
  return new Chart(canvas, { type: "bar", data: { labels, datasets }, options: { responsive: true, maintainAspectRatio: false, animation: false, color: text, scales: { x: { ticks: { color: text } }, y: { ticks: { color: text } } } } });
}
