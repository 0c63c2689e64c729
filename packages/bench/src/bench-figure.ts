/** One figure a bench scenario measured, with its baseline from the same run when it has one. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target?: string;
  pass?: boolean;
}
