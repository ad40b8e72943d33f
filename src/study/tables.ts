// Everything made from the rows of a study, fed in cell order: CSV lines, the summary
// (summary.json and summary.md) and the t_k charts. Node writes them to the study
// folder; the browser keeps them in memory.
import { ChartBuilder } from './charts.js';
import type { StudyAxis, StudyPlan } from './plan.js';
import { summaryMarkdown } from './report.js';
import { groupCells, SummaryBuilder, type StudySummary } from './summary.js';
import { csvLine, csvRow, tableHeader, type StudyRow } from './table.js';

export class StudyTables {
  private readonly summary: SummaryBuilder;
  private readonly charts: ChartBuilder;

  private readonly axes: StudyAxis[];
  private readonly maxDegree: number;

  constructor(plan: Pick<StudyPlan, 'axes' | 'factors' | 'maxDegree'>) {
    this.axes = plan.axes;
    this.maxDegree = plan.maxDegree;
    this.summary = new SummaryBuilder(plan.axes, plan.maxDegree, { epsilon: groupCells(plan.axes, plan.factors, 'epsilon'), seed: groupCells(plan.axes, plan.factors, 'seed') });
    this.charts = new ChartBuilder(plan.axes, plan.maxDegree);
  }

  headerLine(): string {
    return csvLine(tableHeader(this.axes.map((a) => a.path), this.maxDegree));
  }

  /** Takes the next row (in cell order) and returns its CSV line. */
  add(row: StudyRow): string {
    this.summary.add(row);
    this.charts.add(row);
    return csvRow(row, this.maxDegree);
  }

  finish(): { summary: StudySummary; markdown: string; charts: { name: string; svg: string }[] } {
    const summary = this.summary.finish();
    return { summary, markdown: summaryMarkdown(summary), charts: this.charts.finish() };
  }
}
