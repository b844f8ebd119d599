package dev.mmapkit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the human reports: the first column left-aligned (names), the others
 * right-aligned (numbers), columns two spaces apart.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headings. */
  Table(String... headings) {
    this.columns = headings.length;
    rows.add(headings);
  }

  /** Adds a row of as many cells as there are headings. */
  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(columns + " cells expected, got " + cells.length);
    }
    rows.add(cells);
    return this;
  }

  /** Prints the table, one line per row. */
  void print(PrintWriter out) {
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) width[c] = Math.max(width[c], row[c].length());
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        if (c > 0) line.append("  ");
        String pad = " ".repeat(width[c] - row[c].length());
        line.append(c == 0 ? row[c] + pad : pad + row[c]);
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
