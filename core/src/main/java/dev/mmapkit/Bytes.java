package dev.mmapkit;

import java.util.Locale;

/** Human-readable byte counts ("1.5 GiB") for messages and reports. */
public final class Bytes {
  private Bytes() {}

  /** Formats {@code bytes} with a binary unit, e.g. {@code 512 B}, {@code 64.0 MiB}. */
  public static String format(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /**
   * Parses a size such as {@code 4096}, {@code 64k}, {@code 1m}, {@code 2g} or {@code 1GiB} (binary
   * multiples).
   *
   * @throws IllegalArgumentException naming the text when it is not a size
   */
  public static long parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    long multiplier = 1;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'k' -> multiplier = 1L << 10;
        case 'm' -> multiplier = 1L << 20;
        case 'g' -> multiplier = 1L << 30;
        case 't' -> multiplier = 1L << 40;
        default -> multiplier = 1;
      }
      if (multiplier != 1) t = t.substring(0, t.length() - 1);
    }
    try {
      long value = Long.parseLong(t.trim());
      if (value < 0) throw new NumberFormatException();
      return Math.multiplyExact(value, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (examples: 4096, 64k, 1m, 2g)");
    }
  }
}
