package dev.mmapkit.log;

import java.nio.file.Path;

/**
 * Appends {@code count} records {@code WriterChild.payload((id << 32) | i)} and prints {@code
 * DONE}.
 *
 * <p>Arguments: log directory, writer id, count.
 */
public final class CountedWriterChild {
  private CountedWriterChild() {}

  public static void main(String[] args) throws Exception {
    long id = Long.parseLong(args[1]);
    int count = Integer.parseInt(args[2]);
    try (AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults())) {
      System.out.println("READY");
      System.out.flush();
      for (long i = 0; i < count; i++) log.append(WriterChild.payload((id << 32) | i));
    }
    System.out.println("DONE");
  }
}
