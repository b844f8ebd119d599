package dev.mmapkit.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress indicator on stderr, redrawn in place with {@code \r}. It draws only when the
 * JVM has an interactive terminal, so redirected output and logs never contain it.
 */
final class Progress implements AutoCloseable {
  private static final long REDRAW_NANOS = 100_000_000;

  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private long done;
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintWriter err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** A progress line for {@code total} units of work, drawn only on an interactive terminal. */
  static Progress start(PrintWriter err, String label, long total) {
    return new Progress(err, interactive(), label, total);
  }

  /**
   * Whether stderr is probably a terminal. Since JDK 22 {@link System#console()} is non-null even
   * when redirected, so {@link Console#isTerminal()} is what says so.
   */
  static boolean interactive() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** Records {@code units} more work done and redraws at most ten times a second. */
  void advance(long units) {
    done += units;
    if (!enabled) return;
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS && done < total) return;
    lastDraw = now;
    drawn = true;
    double percent = total == 0 ? 100 : 100.0 * done / total;
    err.printf(Locale.ROOT, "\r%s %5.1f%%", label, percent);
    err.flush();
  }

  /** Erases the line, so that what follows starts in column 0 on a clean line. */
  @Override
  public void close() {
    if (!enabled || !drawn) return;
    err.print("\r" + " ".repeat(label.length() + 8) + "\r");
    err.flush();
  }
}
