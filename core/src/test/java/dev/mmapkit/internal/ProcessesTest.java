package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcessesTest {
  private static final String PLAIN_PROC =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
          + "27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";

  @Test
  void identifiesLiveAndDeadProcessesByPidAndStartTime() throws Exception {
    long me = Processes.currentPid();
    long myStart = Processes.currentStartTime();
    assertTrue(myStart > 0);
    assertTrue(Processes.isAlive(me, myStart));
    assertFalse(Processes.isAlive(me, myStart + 1), "same pid, other start time: a reused pid");

    Process child = new ProcessBuilder("sleep", "30").start();
    long start = Processes.startTime(child.pid()).orElseThrow();
    assertTrue(Processes.isAlive(child.pid(), start));
    child.destroyForcibly().waitFor();
    assertFalse(Processes.isAlive(child.pid(), start));
    assertEquals(false, Processes.startTime(child.pid()).isPresent());
  }

  @Test
  void livenessIsDeadOnlyOnPositiveEvidence() throws Exception {
    long me = Processes.currentPid();
    long start = Processes.currentStartTime();
    long ns = Processes.currentPidNamespace();
    assertTrue(ns != 0, "Linux: /proc/self/ns/pid");
    assertEquals(Processes.Liveness.ALIVE, Processes.liveness(me, start, ns));
    assertEquals(Processes.Liveness.DEAD, Processes.liveness(me, start + 1, ns), "reused pid");
    assertEquals(Processes.Liveness.UNKNOWN, Processes.liveness(me, start, 0), "namespace unknown");
    assertEquals(
        Processes.Liveness.UNKNOWN, Processes.liveness(me, start, ns + 1), "another namespace");

    Process child = new ProcessBuilder("sleep", "30").start();
    long childStart = Processes.startTime(child.pid()).orElseThrow();
    assertEquals(Processes.Liveness.ALIVE, Processes.liveness(child.pid(), childStart, ns));
    child.destroyForcibly().waitFor();
    assertEquals(Processes.Liveness.DEAD, Processes.liveness(child.pid(), childStart, ns));
    assertEquals(
        Processes.Liveness.UNKNOWN,
        Processes.liveness(child.pid(), childStart, ns + 1),
        "a pid of another namespace means nothing here");
  }

  /**
   * Needs root: a child as {@code nobody} in its own mount namespace with {@code /proc} mounted
   * {@code hidepid=2} cannot see this (root's) process, which must then be unknown, never dead.
   */
  @Test
  void aProcessHiddenByHidepidIsUnknownNotDead() throws Exception {
    Assumptions.assumeTrue(ChildJvm.isRoot(), "needs root");
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t proc -o hidepid=2 proc /proc && exec \"$@\"",
                "sh"));
    command.addAll(
        ChildJvm.commandAsNobody(
            ProcessesLivenessChild.class,
            Long.toString(Processes.currentPid()),
            Long.toString(Processes.currentStartTime()),
            Long.toString(Processes.currentPidNamespace())));
    ChildJvm.Result r = ChildJvm.finish(new ProcessBuilder(command).start(), 60);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("LIVENESS UNKNOWN SELF ALIVE"), r.toString());
  }

  @Test
  void hidepidInMountinfoMeansMissingPidsProveNothing() {
    assertTrue(Processes.showsEveryPid(PLAIN_PROC));
    for (String hidden :
        List.of(
            "hidepid=1",
            "hidepid=2",
            "hidepid=invisible",
            "hidepid=noaccess",
            "hidepid=ptraceable",
            "hidepid=2,gid=4")) {
      String line = "63 45 0:39 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw," + hidden;
      assertFalse(Processes.showsEveryPid(line), hidden);
    }
    assertTrue(Processes.showsEveryPid("63 45 0:39 / /proc rw - proc proc rw,hidepid=0"));
    assertTrue(
        Processes.showsEveryPid("63 45 0:39 / /proc rw shared:12 - proc proc rw,hidepid=off"));
    // hidepid given as a per-mount option (kernels since 5.8 show it there too)
    assertFalse(Processes.showsEveryPid("63 45 0:39 / /proc rw,hidepid=2 shared:5 - proc proc rw"));
    // a later mount on /proc hides the earlier one
    assertFalse(
        Processes.showsEveryPid(
            PLAIN_PROC + "63 45 0:39 / /proc rw - proc proc rw,hidepid=invisible\n"));
    assertTrue(
        Processes.showsEveryPid(
            "63 45 0:39 / /proc rw - proc proc rw,hidepid=invisible\n" + PLAIN_PROC));
    assertFalse(Processes.showsEveryPid(""), "no /proc");
    assertFalse(Processes.showsEveryPid("22 27 0:21 / /proc rw - tmpfs tmpfs rw"), "not a proc");
    assertFalse(Processes.showsEveryPid("22 27 0:21 / /proc/sys rw - proc proc rw"));
  }
}
