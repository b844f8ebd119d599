package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.Durability;
import dev.mmapkit.log.LogClaim;
import dev.mmapkit.log.LogConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCommandTest {
  @TempDir Path dir;

  @Test
  void statAndTailShowWhatWasAppended() throws Exception {
    Path logDir = dir.resolve("log");
    long first, second;
    try (AppendLog log = AppendLog.open(logDir, new LogConfig(1 << 16, Durability.NONE))) {
      first = log.append("hello log".getBytes(StandardCharsets.US_ASCII));
      second = log.append(new byte[] {0, 1, (byte) 0xff});
    }
    CliRun stat = CliRun.of("log", "stat", logDir.toString(), "--json");
    assertEquals(0, stat.exitCode(), stat.err());
    var json = stat.json();
    assertEquals(65536L, ((Number) json.get("chunkSize")).longValue());
    assertEquals(4096L, ((Number) json.get("firstPosition")).longValue());
    assertEquals(second + 24, ((Number) json.get("endPosition")).longValue());

    CliRun table = CliRun.of("log", "stat", logDir.toString());
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("64.0 KiB"), table.out());

    CliRun tail = CliRun.of("log", "tail", logDir.toString());
    assertEquals(0, tail.exitCode(), tail.err());
    assertEquals(
        List.of(first + "\t9\t\"hello log\"", second + "\t3\t0001ff"), tail.out().lines().toList());

    CliRun from = CliRun.of("log", "tail", logDir.toString(), "--from", "" + second);
    assertEquals(List.of(second + "\t3\t0001ff"), from.out().lines().toList());
  }

  @Test
  void tailStartsAtASequenceNumberOrATime() throws Exception {
    Path logDir = dir.resolve("log");
    long[] positions = new long[5];
    Instant middle;
    try (AppendLog log = AppendLog.open(logDir, new LogConfig(1 << 16, Durability.NONE))) {
      for (int i = 0; i < 3; i++) positions[i] = log.append(("r" + i).getBytes());
      Thread.sleep(5);
      middle = Instant.now();
      Thread.sleep(5);
      for (int i = 3; i < 5; i++) positions[i] = log.append(("r" + i).getBytes());
    }
    CliRun seq = CliRun.of("log", "tail", logDir.toString(), "--from-seq", "2");
    assertEquals(0, seq.exitCode(), seq.err());
    assertEquals(
        List.of(
            positions[2] + "\t2\t\"r2\"",
            positions[3] + "\t2\t\"r3\"",
            positions[4] + "\t2\t\"r4\""),
        seq.out().lines().toList());
    CliRun past = CliRun.of("log", "tail", logDir.toString(), "--from-seq", "5");
    assertEquals(0, past.exitCode(), past.err());
    assertEquals(List.of(), past.out().lines().toList());

    CliRun time = CliRun.of("log", "tail", logDir.toString(), "--from-time", middle.toString());
    assertEquals(0, time.exitCode(), time.err());
    assertEquals(
        List.of(positions[3] + "\t2\t\"r3\"", positions[4] + "\t2\t\"r4\""),
        time.out().lines().toList());
    CliRun millis =
        CliRun.of("log", "tail", logDir.toString(), "--from-time", "" + middle.toEpochMilli());
    assertEquals(2, millis.out().lines().count(), millis.out());

    CliRun bad = CliRun.of("log", "tail", logDir.toString(), "--from-time", "yesterday");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("ISO-8601"), bad.err());
    CliRun both = CliRun.of("log", "tail", logDir.toString(), "--from-seq", "1", "--from", "4096");
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("at most one"), both.err());
  }

  /**
   * A seek that is empty because an earlier record is still pending must not start at the end:
   * records 5 to 12 are committed behind the open claim and are printed once it is given up.
   */
  @Test
  void followFromASequenceOrTimeBehindAPendingClaimPrintsTheCommittedRecords() throws Exception {
    Path logDir = dir.resolve("log");
    try (AppendLog log = AppendLog.open(logDir, new LogConfig(1 << 16, Durability.NONE))) {
      for (int i = 0; i < 3; i++) log.append(("r" + i).getBytes());
      Thread.sleep(5);
      Instant afterThird = Instant.now();
      Thread.sleep(5);
      LogClaim claim = log.claim(8);
      List<String> expected = new ArrayList<>();
      for (int i = 3; i < 13; i++) {
        long p = log.append(("r" + i).getBytes());
        if (i >= 5) expected.add(p + "\t" + ("r" + i).length() + "\t\"r" + i + "\"");
      }
      assertTrue(log.positionOfSequence(5).isEmpty(), "the seek cannot answer yet");
      assertTrue(log.positionAtOrAfter(afterThird).isEmpty(), "the seek cannot answer yet");

      Following bySequence = Following.start(logDir, "--from-seq", "5");
      Following byTime = Following.start(logDir, "--from-time", afterThird.toString());
      Thread.sleep(300);
      claim.abort();
      assertEquals(expected, bySequence.awaitLines(expected.size()));
      List<String> fromTime = byTime.awaitLines(expected.size() + 2);
      assertEquals(expected, fromTime.subList(2, fromTime.size()));
      assertTrue(fromTime.get(0).endsWith("\"r3\""), fromTime.toString());
    }
  }

  /** {@code log tail --follow} running in a thread, its output read while it runs. */
  private record Following(Thread thread, StringWriter out) {
    static Following start(Path logDir, String... options) {
      StringWriter out = new StringWriter();
      var commandLine = Main.commandLine();
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(new StringWriter(), true));
      List<String> args = new ArrayList<>(List.of("log", "tail", logDir.toString(), "--follow"));
      args.addAll(List.of(options));
      Thread thread = new Thread(() -> commandLine.execute(args.toArray(String[]::new)));
      thread.setDaemon(true);
      thread.start();
      return new Following(thread, out);
    }

    /** The lines printed once there are {@code count} (or after 10 s); stops the command. */
    List<String> awaitLines(int count) throws InterruptedException {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (out.toString().lines().count() < count && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(50); // anything printed beyond the expected lines shows up too
      thread.interrupt();
      thread.join(10_000);
      return out.toString().lines().toList();
    }
  }

  @Test
  void aDirectoryWithoutALogIsAnErrorAndIsNotCreated() {
    Path missing = dir.resolve("nolog");
    CliRun run = CliRun.of("log", "tail", missing.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("log.meta"), run.err());
    assertTrue(!missing.toFile().exists());
  }
}
