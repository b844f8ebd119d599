package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.Durability;
import dev.mmapkit.log.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    assertEquals(second + 16, ((Number) json.get("endPosition")).longValue());

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
  void aDirectoryWithoutALogIsAnErrorAndIsNotCreated() {
    Path missing = dir.resolve("nolog");
    CliRun run = CliRun.of("log", "tail", missing.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("log.meta"), run.err());
    assertTrue(!missing.toFile().exists());
  }
}
