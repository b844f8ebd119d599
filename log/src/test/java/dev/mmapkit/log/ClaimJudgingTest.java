package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.Processes;
import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a process judges other processes' claims by their pids: only in the recorded pid namespace,
 * with a {@code /proc} of that namespace that hides no process.
 */
class ClaimJudgingTest {
  @TempDir Path dir;

  @Test
  void thisProcessJudgesInItsOwnNamespace() throws Exception {
    try (AppendLog log = AppendLog.open(dir, LogConfig.defaults())) {
      assertEquals(Processes.currentPidNamespace(), log.meta().pidNamespace());
      assertTrue(log.judgesClaims(), "recorded namespace, our /proc, no hidepid on this host");
    }
  }

  /** Root only: {@code unshare} puts a child JVM in new pid and mount namespaces. */
  @Test
  void aChildInNamespacesJudgesOnlyWithItsOwnVisibleProc() throws Exception {
    assumeTrue(ChildJvm.isRoot() && Files.isExecutable(Path.of("/usr/bin/unshare")), "needs root");
    // its own /proc: judges, and names itself in its claims with its pid there (1: it is init)
    assertEquals("JUDGES true OWNER 1", inNamespaces("unshare -m -p -f --mount-proc", "a"));
    // the outer /proc, unshare -p -f without --mount-proc: /proc/PID answers for other processes
    assertEquals("JUDGES false OWNER 1", inNamespaces("unshare -m -p -f", "b"));
    // its own /proc with hidepid: a missing /proc/PID may be a hidden live process
    assertEquals(
        "JUDGES false OWNER 1",
        inNamespaces(
            "unshare -m -p -f --mount-proc sh -c 'mount -o remount,hidepid=2 /proc && exec \"$0\" \"$@\"'",
            "c"));
  }

  private String inNamespaces(String prefix, String log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("sh");
    command.add("-c");
    StringBuilder line = new StringBuilder(prefix);
    for (String word :
        ChildJvm.command(
            ClaimJudgeChild.class, ChildJvm.DEFAULT_OPTIONS, dir.resolve(log).toString())) {
      line.append(" '").append(word.replace("'", "'\\''")).append("'");
    }
    command.add(line.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> l.startsWith("JUDGES")).findFirst().orElse(out);
  }
}
