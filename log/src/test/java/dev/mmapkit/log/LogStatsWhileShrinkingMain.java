package dev.mmapkit.log;

import dev.mmapkit.testkit.ShrinkingFile;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM for {@link LogStatsWhileShrinkingTest}: creates a log and reads its stats while its
 * {@code log.meta} keeps shrinking ({@link ShrinkingFile}). Arguments: {@code DIR SIZE}.
 */
public final class LogStatsWhileShrinkingMain {
  private LogStatsWhileShrinkingMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (AppendLog log = AppendLog.open(dir, LogConfig.defaults().withChunkSize(1 << 20))) {
      log.append(new byte[40]);
    }
    ShrinkingFile.openWhileShrinking(
        dir.resolve(LogMetaDescriptor.FILE_NAME),
        Long.parseLong(args[1]),
        2_000,
        List.of(() -> LogStats.read(dir)));
  }
}
