package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessesTest {
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
}
