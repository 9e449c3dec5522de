/** A plain left-aligned table with a header row; cells longer than `maxWidth` are cut with an ellipsis. */
export function textTable(header: string[], rows: string[][], maxWidth = 60): string {
  const cut = (cell: string) => {
    const single = cell.replace(/\s+/g, ' ');
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
