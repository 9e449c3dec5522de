import { terminalSafe } from './terminal-safe';

/**
 * A plain left-aligned table with a header row; cells longer than `maxWidth` are cut with an ellipsis.
 * Cells are made terminal-safe before they are measured, so that escapes keep the columns aligned.
 */
export function textTable(header: string[], rows: string[][], maxWidth = 60): string {
  const cut = (cell: string) => {
    const single = terminalSafe(cell).replace(/\s+/g, ' ');
    return single.length > maxWidth ? `${single.slice(0, maxWidth - 1)}…` : single;
  };
  const cells = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
