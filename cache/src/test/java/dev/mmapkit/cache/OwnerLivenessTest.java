package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;
import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners judged by pid (their process had no native access for slot locks): only positive evidence
 * from {@code /proc} makes them dead. An owner recorded from another or an unknown PID namespace,
 * or one {@code /proc} does not show, keeps its lock: the waiter times out instead of taking it (a
 * paused writer would resume into a segment others think consistent).
 */
class OwnerLivenessTest {
  private static final long NO_SUCH_PID = Integer.MAX_VALUE - 7L;
  private static final CacheConfig CONFIG =
      CacheConfig.of(1 << 20, 1000).withSegments(1).withLockTimeout(Duration.ofMillis(300));

  @TempDir Path dir;
  private SharedCache us;
  private MappedFile raw;
  private MemorySegment file;
  private AttachedProcesses other;

  @BeforeEach
  void open() throws Exception {
    Path path = dir.resolve("c.cache");
    us = SharedCache.open(path, CONFIG);
    us.put(key(1), value(1, 0, 40));
    raw = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(1 << 20));
    file = raw.chunk(0);
    other = AttachedProcesses.attach(file, path);
  }

  @AfterEach
  void close() throws Exception {
    other.detach();
    raw.close();
    us.close();
  }

  /** Makes {@code other}'s slot look like a process judged by pid, and gives it the lock. */
  private void otherHoldsTheLockAs(long pid, long namespace) {
    long at = processSlotOffset(other.slot());
    file.set(ValueLayout.JAVA_LONG, at + SLOT_LIVENESS, LIVENESS_PID);
    file.set(ValueLayout.JAVA_LONG, at + SLOT_PID_NAMESPACE, namespace);
    file.set(ValueLayout.JAVA_LONG, at + SLOT_CLAIM, pid);
    file.set(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK, other.ownerId());
  }

  private void assertLockIsKept() {
    long start = System.nanoTime();
    var e = assertThrows(CacheLockTimeoutException.class, () -> us.put(key(1), value(1, 1, 40)));
    assertTrue(
        e.getMessage().contains("process " + NO_SUCH_PID + ", whose liveness cannot be checked"),
        e.getMessage());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 300 && millis < 3000, millis + " ms");
    assertEquals(other.ownerId(), file.get(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK));
    assertEquals(0, us.stats().lockRecoveries());
    assertEquals(2, us.stats().attachedProcesses(), "an owner that may run counts as attached");
  }

  @Test
  void anOwnerOfAnotherPidNamespaceKeepsItsLock() {
    otherHoldsTheLockAs(NO_SUCH_PID, Processes.currentPidNamespace() + 1);
    assertLockIsKept();
  }

  @Test
  void anOwnerOfAnUnknownPidNamespaceKeepsItsLock() {
    otherHoldsTheLockAs(NO_SUCH_PID, 0);
    assertLockIsKept();
  }

  @Test
  void anOwnerProvenDeadInThisNamespaceLosesItsLockAtOnce() {
    otherHoldsTheLockAs(NO_SUCH_PID, Processes.currentPidNamespace());
    long start = System.nanoTime();
    us.put(key(1), value(1, 1, 40));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 300, millis + " ms");
    assertArrayEquals(value(1, 1, 40), us.get(key(1)));
    assertEquals(1, us.stats().lockRecoveries());
    assertEquals(1, us.stats().attachedProcesses());
  }

  @Test
  void anUnknownOwnersSlotIsNotClaimedByANewProcess() throws Exception {
    otherHoldsTheLockAs(NO_SUCH_PID, 0);
    file.set(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK, 0L);
    AttachedProcesses next = AttachedProcesses.attach(file, dir.resolve("c.cache"));
    try {
      assertTrue(next.slot() != other.slot());
    } finally {
      next.detach();
    }
  }

  @Test
  void aLateUnlockDoesNotClearAnotherOwnersLock() {
    Segment segment = us.segmentForTest(key(1));
    segment.lock();
    // Taken over meanwhile (as from an owner judged dead): the former holder's unlock is a no-op.
    file.set(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK, other.ownerId());
    segment.unlock();
    assertEquals(other.ownerId(), file.get(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK));
    file.set(ValueLayout.JAVA_LONG, SEGMENTS_OFFSET + SEG_LOCK, 0L);
  }
}
