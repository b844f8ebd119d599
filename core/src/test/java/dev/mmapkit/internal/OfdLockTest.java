package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open-file-description locks: held per descriptor, seen across processes, dropped on kill -9. */
class OfdLockTest {
  @TempDir Path dir;

  @Test
  void aLockIsSeenByOtherDescriptorsAndReleased() throws Exception {
    assumeTrue(NativeAccess.get().isPresent());
    NativeAccess access = NativeAccess.get().orElseThrow();
    Path file = Files.write(dir.resolve("f"), new byte[64]);
    int a = access.open(file, true), b = access.open(file, true);
    try {
      assertTrue(access.tryLockRange(a, 7, 1));
      assertTrue(access.tryLockRange(a, 7, 1), "a description may take its own lock again");
      assertFalse(access.isRangeLockedByOther(a, 7, 1), "its own lock is not another's");
      assertTrue(access.isRangeLockedByOther(b, 7, 1));
      assertFalse(access.isRangeLockedByOther(b, 8, 1), "one byte only");
      assertFalse(access.tryLockRange(b, 7, 1), "same process, other descriptor: conflict");
      access.unlockRange(a, 7, 1);
      assertFalse(access.isRangeLockedByOther(b, 7, 1));
      assertTrue(access.tryLockRange(b, 7, 1));
      access.close(b);
      b = -1;
      assertFalse(access.isRangeLockedByOther(a, 7, 1), "closing the descriptor releases it");
    } finally {
      access.close(a);
      if (b >= 0) access.close(b);
    }
  }

  @Test
  void byteLocksAreRefusedForAFileThatIsNotTheMappedOne() throws Exception {
    assumeTrue(NativeAccess.get().isPresent());
    Path file = dir.resolve("f");
    byte[] content = new byte[8192];
    content[100] = 7;
    Files.write(file, content);
    try (Arena arena = Arena.ofConfined();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, 8192, arena);
      try (ByteLocks locks = ByteLocks.open(file, true, mapping).orElseThrow()) {
        assertTrue(locks.tryLock(3));
      }
      // Deleted and created again under its name, with another header: not the mapped file.
      Files.delete(file);
      content[100] = 8;
      Files.write(file, content);
      assertTrue(ByteLocks.open(file, true, mapping).isEmpty());
      content[100] = 7;
      Files.write(file, Arrays.copyOf(content, 100));
      assertTrue(ByteLocks.open(file, false, mapping).isEmpty(), "shorter than the header");
      Files.write(file, content);
      assertTrue(ByteLocks.open(file, false, mapping).isPresent(), "the same bytes again");
    }
  }

  @Test
  void aKilledHoldersLockIsReleasedByTheKernel() throws Exception {
    assumeTrue(NativeAccess.get().isPresent());
    Path file = Files.write(dir.resolve("f"), new byte[64]);
    Process holder = ChildJvm.start(OfdLockChild.class, "hold", file.toString(), "3");
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("LOCKED", out.readLine());
      assertTrue(check(file).contains("HELD true"));
      holder.destroyForcibly(); // SIGKILL
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      assertTrue(check(file).contains("HELD false"));
    } finally {
      holder.destroyForcibly();
    }
  }

  private static String check(Path file) throws Exception {
    ChildJvm.Result r =
        ChildJvm.run(
            OfdLockChild.class, ChildJvm.DEFAULT_OPTIONS, 60, "check", file.toString(), "3");
    assertEquals(0, r.exitCode(), r.toString());
    return r.stdout();
  }
}
