package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.SLOT_PID_NAMESPACE;
import static dev.mmapkit.cache.SharedCacheDescriptor.processSlotOffset;
import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners recorded from another PID namespace (another container sharing /dev/shm) cannot be checked
 * through this process's /proc: they count as alive until the lock timeout, then as dead.
 */
class PidNamespaceTest {
  @TempDir Path dir;

  @Test
  void aLockOfAProcessInAnotherNamespaceIsTakenOverAfterTheLockTimeout() throws Exception {
    Path path = dir.resolve("c.cache");
    CacheConfig config =
        CacheConfig.of(1 << 20, 1000).withSegments(1).withLockTimeout(Duration.ofMillis(300));
    assertTrue(Processes.currentPidNamespace() != 0, "Linux: /proc/self/ns/pid");
    try (SharedCache us = SharedCache.open(path, config);
        MappedFile raw = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(1 << 20))) {
      us.put(key(1), value(1, 0, 40));
      MemorySegment file = raw.chunk(0);
      // A process of another namespace attaches (its pid is not running here) and takes the lock.
      AttachedProcesses foreign = AttachedProcesses.attach(file, path);
      file.set(
          ValueLayout.JAVA_LONG,
          processSlotOffset(foreign.slot()) + SLOT_PID_NAMESPACE,
          Processes.currentPidNamespace() + 1);
      file.set(
          ValueLayout.JAVA_LONG,
          processSlotOffset(foreign.slot()) + SharedCacheDescriptor.SLOT_CLAIM,
          Integer.MAX_VALUE - 7L); // no such pid here
      AttachedProcesses checker = AttachedProcesses.attach(file, path);
      assertTrue(checker.isAlive(foreign.ownerId()), "unknown counts as alive");
      assertTrue(checker.isInOtherPidNamespace(foreign.ownerId()));
      checker.detach();
      file.set(
          ValueLayout.JAVA_LONG,
          SharedCacheDescriptor.SEGMENTS_OFFSET + SharedCacheDescriptor.SEG_LOCK,
          foreign.ownerId());
      long start = System.nanoTime();
      us.put(key(1), value(1, 1, 40));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 300 && millis < 3000, millis + " ms");
      assertArrayEquals(value(1, 1, 40), us.get(key(1)));
      assertEquals(1, us.stats().lockRecoveries());
      assertEquals(2, us.stats().attachedProcesses(), "the foreign process still counts");
      foreign.detach();
    }
  }
}
