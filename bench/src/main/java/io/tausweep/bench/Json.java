package io.tausweep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer for the benchmark result files that bench/report.py reads: maps, lists,
 * strings and numbers only. Enough for flat records; no dependency for it.
 */
final class Json {
  private Json() {}

  /** The value as JSON text. */
  static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, "");
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, String indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append('"')
          .append(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
          .append('"');
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.9g", d) : "null");
    } else if (v instanceof Float f) {
      write(sb, f.doubleValue(), indent);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      String in = indent + "  ";
      sb.append("{\n");
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        StringBuilder p = new StringBuilder(in);
        write(p, String.valueOf(e.getKey()), in);
        p.append(": ");
        write(p, e.getValue(), in);
        parts.add(p.toString());
      }
      sb.append(String.join(",\n", parts)).append('\n').append(indent).append('}');
    } else if (v instanceof List<?> l) {
      String in = indent + "  ";
      sb.append("[\n");
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        StringBuilder p = new StringBuilder(in);
        write(p, o, in);
        parts.add(p.toString());
      }
      sb.append(String.join(",\n", parts)).append('\n').append(indent).append(']');
    } else {
      throw new IllegalArgumentException("Cannot write " + v.getClass() + " as JSON");
    }
  }
}
