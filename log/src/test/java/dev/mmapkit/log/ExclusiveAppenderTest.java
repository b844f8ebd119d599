package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MmapkitException;
import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handle opened as the log's exclusive appender: plain tail stores, and nobody else appends. */
class ExclusiveAppenderTest {
  static final LogConfig EXCLUSIVE =
      new LogConfig(SMALL, Durability.NONE).withExclusiveAppender(true);
  static final LogConfig SHARED = new LogConfig(SMALL, Durability.NONE);

  @TempDir Path dir;

  @Test
  void appendsAcrossChunksComeBackNumberedAndSurviveReopening() throws Exception {
    Random random = new Random(1);
    List<byte[]> written = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    try (AppendLog log = AppendLog.open(dir, SHARED)) {
      written.add(new byte[] {1});
      positions.add(log.append(written.get(0))); // a shared appender before, closed after
    }
    try (AppendLog log = AppendLog.open(dir, EXCLUSIVE)) {
      for (int i = 0; i < 3000; i++) {
        byte[] p = new byte[random.nextInt(i % 100 == 0 ? 20_000 : 200)];
        random.nextBytes(p);
        written.add(p);
        positions.add(log.append(p));
      }
      LogClaim claim = log.claim(8);
      claim.payload().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
      claim.commit();
      written.add(claim.payload().toArray(ValueLayout.JAVA_BYTE));
      positions.add(claim.position());
      assertTrue(log.endPosition() >>> 16 > 3, "several chunks");
      check(log, written, positions);
    }
    try (AppendLog log = AppendLog.open(dir, SHARED)) {
      assertEquals(written.size(), log.recoveryReport().records());
      check(log, written, positions);
      positions.add(log.append(new byte[3])); // shared appending works again
    }
  }

  private static void check(AppendLog log, List<byte[]> written, List<Long> positions)
      throws Exception {
    List<byte[]> read = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    LogReader reader = log.reader();
    reader.poll(
        (p, s) -> {
          assertEquals(read.size(), reader.sequence());
          at.add(p);
          read.add(s.toArray(ValueLayout.JAVA_BYTE));
        });
    assertEquals(positions, at);
    for (int i = 0; i < written.size(); i++) assertArrayEquals(written.get(i), read.get(i));
    assertEquals(java.util.OptionalLong.of(positions.get(1000)), log.positionOfSequence(1000));
  }

  @Test
  void otherHandlesMayReadButNotAppend() throws Exception {
    try (AppendLog exclusive = AppendLog.open(dir, EXCLUSIVE);
        AppendLog other = AppendLog.open(dir, SHARED)) {
      long a = exclusive.append(new byte[10]);
      var e = assertThrows(MmapkitException.class, () -> other.append(new byte[10]));
      assertTrue(e.getMessage().contains("exclusive appender"), e.getMessage());
      List<Long> seen = new ArrayList<>();
      other.reader().poll((p, s) -> seen.add(p));
      assertEquals(List.of(a), seen);
      var twice = assertThrows(MmapkitException.class, () -> AppendLog.open(dir, EXCLUSIVE));
      assertTrue(twice.getMessage().contains("cannot append exclusively"), twice.getMessage());
    }
    try (AppendLog shared = AppendLog.open(dir, SHARED)) {
      shared.append(new byte[1]); // the exclusive handle closed: appending is open to all again
      var e = assertThrows(MmapkitException.class, () -> AppendLog.open(dir, EXCLUSIVE));
      assertTrue(e.getMessage().contains("this process appends"), e.getMessage());
    }
  }

  @Test
  void onlyTheFirstAppendingThreadMayAppend() throws Exception {
    try (AppendLog log = AppendLog.open(dir, EXCLUSIVE)) {
      log.append(new byte[1]);
      var e =
          assertThrows(
              ExecutionException.class,
              () ->
                  CompletableFuture.runAsync(
                          () -> {
                            try {
                              log.append(new byte[1]);
                            } catch (java.io.IOException x) {
                              throw new RuntimeException(x);
                            }
                          })
                      .get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
      assertTrue(e.getCause().getMessage().contains("exclusive appender"), e.getMessage());
      log.append(new byte[1]);
    }
  }

  @Test
  void anotherProcessCannotAppendWhileAnExclusiveAppenderHoldsTheLog() throws Exception {
    try (AppendLog log = AppendLog.open(dir, EXCLUSIVE)) {
      log.append(new byte[1]);
      Process child = ChildJvm.start(CountedWriterChild.class, dir.toString(), "1", "10");
      BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream()));
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      String stderr = String.join("\n", err.lines().toList());
      assertTrue(child.exitValue() != 0, "the child's append failed");
      assertTrue(stderr.contains("exclusive appender"), stderr);
      List<Long> seen = new ArrayList<>();
      log.reader().poll((p, s) -> seen.add(p));
      assertEquals(1, seen.size(), "nothing appended by the child");
    }
  }
}
