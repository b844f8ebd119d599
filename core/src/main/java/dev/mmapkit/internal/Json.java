package dev.mmapkit.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the JSON reports of the {@code mmapkit} command and the benchmarks: maps (in their
 * iteration order) become objects, lists and other collections become arrays, strings are escaped,
 * numbers are written plainly, non-finite doubles become {@code null}. Hand-written so that no
 * module needs a JSON library.
 */
public final class Json {
  private Json() {}

  /** {@code value} as compact JSON on one line, doubles at full precision. */
  public static String write(Object value) {
    return write(value, -1);
  }

  /**
   * {@code value} as compact JSON on one line, doubles rounded half-up to at most {@code decimals}
   * places (a stable, short form for reports whose measurements are no more precise); a negative
   * {@code decimals} keeps full precision.
   */
  public static String write(Object value, int decimals) {
    StringBuilder out = new StringBuilder();
    write(value, decimals, out);
    return out.toString();
  }

  private static void write(Object value, int decimals, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> e = entries.next();
        string(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), decimals, out);
        if (entries.hasNext()) out.append(',');
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object element : list) {
        if (!first) out.append(',');
        first = false;
        write(element, decimals, out);
      }
      out.append(']');
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        out.append("null");
      } else if (decimals < 0) {
        out.append(d);
      } else {
        out.append(
            BigDecimal.valueOf(d)
                .setScale(decimals, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString());
      }
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(value.toString(), out);
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    out.append('"');
  }
}
