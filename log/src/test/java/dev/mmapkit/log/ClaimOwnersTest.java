package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
class ClaimOwnersTest {
  private static final String PLAIN_PROC =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
          + "27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";

  @TempDir Path dir;

  @Test
  void judgesOnlyWhenAllThreeConditionsHold() {
    assertTrue(ClaimOwners.judges(7, 7, "1234", 1234, PLAIN_PROC));
    assertFalse(ClaimOwners.judges(8, 7, "1234", 1234, PLAIN_PROC), "other namespace");
    assertFalse(ClaimOwners.judges(0, 0, "1234", 1234, PLAIN_PROC), "namespace unknown");
    assertFalse(ClaimOwners.judges(7, 7, "98765", 1234, PLAIN_PROC), "/proc of another namespace");
    assertFalse(
        ClaimOwners.judges(
            7, 7, "1234", 1234, "22 27 0:21 / /proc rw,relatime - proc proc rw,hidepid=2\n"),
        "hidepid");
  }

  @Test
  void procIsOursWhenSelfNamesOurPid() {
    assertTrue(ClaimOwners.procIsOurs("1", 1));
    assertFalse(ClaimOwners.procIsOurs("2805", 1), "unshare -p -f without --mount-proc");
    assertFalse(ClaimOwners.procIsOurs("", 1));
  }

  @Test
  void hidepidInMountinfoMeansMissingPidsProveNothing() {
    assertTrue(ClaimOwners.procShowsEveryPid(PLAIN_PROC));
    for (String hidden :
        List.of(
            "hidepid=1",
            "hidepid=2",
            "hidepid=invisible",
            "hidepid=noaccess",
            "hidepid=ptraceable",
            "hidepid=2,gid=4")) {
      String line = "63 45 0:39 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw," + hidden;
      assertFalse(ClaimOwners.procShowsEveryPid(line), hidden);
    }
    assertTrue(ClaimOwners.procShowsEveryPid("63 45 0:39 / /proc rw - proc proc rw,hidepid=0"));
    assertTrue(
        ClaimOwners.procShowsEveryPid(
            "63 45 0:39 / /proc rw shared:12 - proc proc rw,hidepid=off"));
    // hidepid given as a per-mount option (kernels since 5.8 show it there too)
    assertFalse(
        ClaimOwners.procShowsEveryPid("63 45 0:39 / /proc rw,hidepid=2 shared:5 - proc proc rw"));
    // a later mount on /proc hides the earlier one
    assertFalse(
        ClaimOwners.procShowsEveryPid(
            PLAIN_PROC + "63 45 0:39 / /proc rw - proc proc rw,hidepid=invisible\n"));
    assertTrue(
        ClaimOwners.procShowsEveryPid(
            "63 45 0:39 / /proc rw - proc proc rw,hidepid=invisible\n" + PLAIN_PROC));
    assertFalse(ClaimOwners.procShowsEveryPid(""), "no /proc");
    assertFalse(
        ClaimOwners.procShowsEveryPid("22 27 0:21 / /proc rw - tmpfs tmpfs rw"), "not a proc");
    assertFalse(ClaimOwners.procShowsEveryPid("22 27 0:21 / /proc/sys rw - proc proc rw"));
  }

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
