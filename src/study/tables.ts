// Everything made from the rows of a study, fed in cell order: CSV lines, then the
// summary (summary.json and summary.md) and the t_k charts from the finished cells. Node
// writes them to the study folder (rows.ts); the browser keeps them in memory.
import { studyCharts } from './charts.js';
import type { StudyPlan } from './plan.js';
import { summaryMarkdown } from './report.js';
import { StudyPoints, summarize, type StudySummary } from './summary.js';
import { csvLine, tableFields, tableHeader, type StudyRow } from './table.js';

export class StudyTables {
  private readonly points: StudyPoints;

  constructor(plan: Pick<StudyPlan, 'axes' | 'maxDegree'>) {
    this.points = new StudyPoints(plan.axes, plan.maxDegree);
  }

  headerLine(): string {
    return csvLine(tableHeader(this.points.axes.map((a) => a.path), this.points.maxDegree));
  }

  /** Takes the next row (in cell order) and returns its CSV line. */
  add(row: StudyRow): string {
    this.points.add(row.values, row.outcome);
    return csvLine(tableFields(row, this.points.maxDegree));
  }

  finish(): { summary: StudySummary; markdown: string; charts: { name: string; svg: string }[] } {
    const summary = summarize(this.points);
    return { summary, markdown: summaryMarkdown(summary), charts: studyCharts(this.points) };
  }
}
