package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk an append goes to is pre-faulted ahead of the appender, including the chunk that is
 * already mapped when the log is opened (a fresh log's first chunk, or the tail chunk a reopened
 * log appends to), so appends there take no page faults. Counted with the appending thread's minor
 * faults ({@code /proc/thread-self/stat}): 1 MiB chunks are 256 pages.
 */
class PrefaultTest {
  private static final long CHUNK = 1 << 20;
  private static final LogConfig CONFIG = LogConfig.defaults().withChunkSize(CHUNK);

  @TempDir Path dir;

  @Test
  void appendsToAFreshLogTakeNoPageFaults() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      long faults = faultsFillingChunkZero(log);
      assertTrue(faults < 40, faults + " page faults while filling a pre-faulted chunk");
    }
  }

  @Test
  void appendsToTheTailChunkOfAReopenedLogTakeNoPageFaults() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[64]);
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      long faults = faultsFillingChunkZero(log);
      assertTrue(faults < 40, faults + " page faults while filling a pre-faulted chunk");
    }
  }

  @Test
  void withoutPrefaultingTheAppendsTakeThePageFaults() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG.withPrefault(false))) {
      long faults = faultsFillingChunkZero(log);
      assertTrue(faults > 150, "only " + faults + " page faults without pre-faulting");
    }
  }

  /**
   * Appends one record, gives the background thread time to prepare, then counts this thread's
   * minor page faults while appending until chunk 0 is 90 % full.
   */
  private static long faultsFillingChunkZero(AppendLog log) throws Exception {
    byte[] record = new byte[64];
    log.append(record);
    Thread.sleep(300);
    long before = minorFaults();
    while (log.append(record) < CHUNK * 9 / 10) {
      // fill
    }
    return minorFaults() - before;
  }

  /** Field 10 of {@code /proc/thread-self/stat}: this thread's minor page faults. */
  private static long minorFaults() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[10 - 3]);
  }
}
