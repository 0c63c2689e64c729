/**
 * What every check of the kit takes besides the value: `hint`, a clause appended after the value
 * (`timeout must be …, got -1: leave it out for the default (3000)`), saying how to fix it.
 */
export interface OptionHint {
  /** Appended as `: <hint>` after `got <value>`; no final period. */
  readonly hint?: string | undefined;
}

/** `, got <value>` and the hint: the end every message of the kit shares. */
export function gotValue(described: string, hint: string | undefined): string {
  return `, got ${described}${hint === undefined ? '' : `: ${hint}`}`;
}
