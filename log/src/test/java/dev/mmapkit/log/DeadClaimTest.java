package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appender that dies between claiming and committing while other processes keep the log open:
 * readers wait at its claim while it lives, and skip it once it is dead.
 */
class DeadClaimTest {
  @TempDir Path dir;

  @Test
  void readersSkipTheClaimOfADeadProcessButNotOfALiveOne() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      long before = log.append(new byte[10]);
      LogReader tailer = log.reader();
      Process child = ChildJvm.start(ClaimAndWaitChild.class, dir.toString());
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("CLAIMED "), "child said " + line);
        long claimed = Long.parseLong(line.substring(8));
        long after = log.append(new byte[20]);
        assertTrue(after > claimed);

        List<Long> seen = new ArrayList<>();
        long until = System.nanoTime() + 3 * LogReader.DEAD_CLAIM_CHECK_NANOS;
        while (System.nanoTime() < until) {
          tailer.poll((p, s) -> seen.add(p));
          Thread.sleep(5);
        }
        assertEquals(List.of(before), seen, "waits at the claim while its process lives");
        assertEquals(claimed, tailer.position());

        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertTrue(tailer.await(5, TimeUnit.SECONDS), "the dead claim is skipped");
        tailer.poll((p, s) -> seen.add(p));
        assertEquals(List.of(before, after), seen);
        assertEquals(1, tailer.sequence(), "the aborted claim has no sequence number");
        assertTrue(
            System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2),
            "skipped soon after the check period");
        // other readers see the claim as aborted at once
        List<Long> again = new ArrayList<>();
        log.reader().poll((p, s) -> again.add(p));
        assertEquals(List.of(before, after), again);
        assertEquals(java.util.OptionalLong.of(after), log.positionOfSequence(1));
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aProcessInAnotherPidNamespaceNamesNoOwnerAndJudgesNoClaim() throws Exception {
    try (AppendLog here = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      LogClaim mine = here.claim(8);
      assertEquals(
          ProcessHandle.current().pid(),
          here.chunks().mapped(0).get(LogMeta.INT, mine.position() + 4),
          "the claimer's pid is in the pending record");
      here.meta().setPidNamespace(here.meta().pidNamespace() + 1); // as if recovered elsewhere
      try (AppendLog elsewhere = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
        LogClaim theirs = elsewhere.claim(8);
        assertEquals(0, elsewhere.chunks().mapped(0).get(LogMeta.INT, theirs.position() + 4));
        int pending = LogChunkDescriptor.state(LogChunkDescriptor.TYPE_PENDING, 24);
        // a claim naming a pid that does not exist is not judged from another namespace
        elsewhere.chunks().mapped(0).set(LogMeta.INT, theirs.position() + 4, Integer.MAX_VALUE);
        assertEquals(
            false,
            elsewhere.abortIfClaimerDead(elsewhere.chunks().mapped(0), theirs.position(), pending));
        assertEquals(
            true, here.abortIfClaimerDead(here.chunks().mapped(0), theirs.position(), pending));
        theirs.abort();
      }
      mine.commit();
    }
  }
}
