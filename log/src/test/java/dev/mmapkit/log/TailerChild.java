package dev.mmapkit.log;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Tails a log from a position in its own process and checks that records {@code 0 .. count-1}
 * arrive in order. Prints {@code READY}, then {@code OK <count>} or {@code BAD <reason>}.
 *
 * <p>Arguments: log directory, start position, count.
 */
public final class TailerChild {
  private TailerChild() {}

  public static void main(String[] args) throws Exception {
    long from = Long.parseLong(args[1]);
    int count = Integer.parseInt(args[2]);
    try (AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults())) {
      LogReader tailer = log.tailer(from);
      System.out.println("READY");
      System.out.flush();
      int[] next = {0};
      while (next[0] < count) {
        if (!tailer.await(20, TimeUnit.SECONDS)) {
          System.out.println("BAD timed out after " + next[0] + " records");
          return;
        }
        tailer.poll(
            (position, payload) -> {
              int value = payload.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
              if (value != next[0])
                throw new IllegalStateException("got " + value + " expected " + next[0]);
              next[0]++;
            });
      }
      System.out.println("OK " + next[0]);
    }
  }
}
