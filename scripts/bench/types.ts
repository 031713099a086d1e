/** Shared shape of bench modules run by scripts/bench/run.ts. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The target this figure is held to, in words (e.g. "<= 60 ms"). */
  target?: string;
}

export interface BenchContext {
  log(message: string): void;
}

export interface BenchModule {
  default(ctx: BenchContext): Promise<BenchFigure[]>;
}
