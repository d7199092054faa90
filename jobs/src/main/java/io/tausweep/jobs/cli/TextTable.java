package io.tausweep.jobs.cli;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Renders query rows as an aligned text table with a header, like Spark's {@code show()} but
 * without truncating values, and says when rows were left out.
 */
final class TextTable {
  private TextTable() {}

  static String render(String[] columns, List<Row> rows, int maxRows) {
    int shown = Math.min(rows.size(), maxRows);
    String[][] cells = new String[shown][columns.length];
    int[] width = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
    }
    for (int r = 0; r < shown; r++) {
      Row row = rows.get(r);
      for (int c = 0; c < columns.length; c++) {
        cells[r][c] = row.isNullAt(c) ? "NULL" : value(row.get(c));
        width[c] = Math.max(width[c], cells[r][c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, columns, width);
    for (int c = 0; c < columns.length; c++) {
      sb.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (String[] row : cells) {
      line(sb, row, width);
    }
    sb.append('(').append(shown).append(shown == 1 ? " row" : " rows");
    if (rows.size() > maxRows) {
      sb.append("; more rows left out, raise --max-rows or use --csv");
    }
    sb.append(")\n");
    return sb.toString();
  }

  /**
   * A cell value as text; arrays print as {@code [a, b, ...]} rather than Scala's collection name.
   */
  static String value(Object v) {
    if (v instanceof scala.collection.Iterable<?> seq) {
      return seq.mkString("[", ", ", "]");
    }
    return String.valueOf(v);
  }

  private static void line(StringBuilder sb, String[] values, int[] width) {
    for (int c = 0; c < values.length; c++) {
      sb.append(c == 0 ? "" : " | ").append(String.format("%-" + width[c] + "s", values[c]));
    }
    sb.append('\n');
  }
}
