package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes and error messages: 1 and one line naming the file, 2 for usage errors. */
class ErrorsTest {
  @TempDir Path dir;

  @Test
  void missingFileIsOneLineNamingTheFile() {
    String missing = dir.resolve("missing.bin").toString();
    for (String command : List.of("bench", "residency", "warm", "evict")) {
      CliRun run = CliRun.of(command, missing);
      assertEquals(1, run.exitCode(), command);
      assertEquals("mmapkit: " + missing + ": no such file\n", run.err(), command);
      assertEquals("", run.out(), command);
    }
  }

  @Test
  void directoryIsOneLineNamingIt() {
    for (String command : List.of("bench", "residency", "warm", "evict")) {
      CliRun run = CliRun.of(command, dir.toString());
      assertEquals(1, run.exitCode(), command);
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("mmapkit: " + dir + ": is a directory"), run.err());
    }
  }

  @Test
  void aMissingFileAmongSeveralStopsBeforeAnyWork() {
    String missing = dir.resolve("missing.bin").toString();
    CliRun run = CliRun.of("residency", "pom.xml", missing);
    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
  }

  @Test
  void verboseAddsTheStackTrace() {
    CliRun run = CliRun.of("--verbose", "residency", dir.resolve("missing").toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("NoSuchFileException"), run.err());
    assertTrue(run.err().contains("\tat "), run.err());
    CliRun after = CliRun.of("residency", "--verbose", dir.resolve("missing").toString());
    assertTrue(after.err().contains("\tat "), after.err());
  }

  /** Fails as a mapped read of a file that another process shrank does. */
  @CommandLine.Command(name = "fault")
  static final class FaultCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new InternalError("a fault occurred in an unsafe memory access operation");
    }
  }

  @Test
  void aFaultInAMappedAccessIsOneLineNotAStackTrace() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine().addSubcommand(new FaultCommand());
    commandLine.setErr(new PrintWriter(err, true));
    assertEquals(1, commandLine.execute("fault"));
    assertEquals(
        "mmapkit: a file shrank while this command read it through a mapping (another process"
            + " truncated it?): a fault occurred in an unsafe memory access operation\n",
        err.toString());
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, CliRun.of("bench", "--no-such-option").exitCode());
    assertEquals(2, CliRun.of("residency").exitCode());
    assertEquals(2, CliRun.of("no-such-command").exitCode());
    assertEquals(2, CliRun.of().exitCode());
  }

  @Test
  void helpAndVersionExitWithZero() {
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("residency"), help.out());
    CliRun version = CliRun.of("--version");
    assertEquals(0, version.exitCode());
    assertTrue(version.out().startsWith("mmapkit "), version.out());
  }
}
