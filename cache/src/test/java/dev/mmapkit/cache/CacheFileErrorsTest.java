package dev.mmapkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.testkit.ChildJvm;
import dev.mmapkit.testkit.SmallFileSystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong, damaged, unreadable files and a full /dev/shm: clear errors, no crash. */
class CacheFileErrorsTest {
  @TempDir Path dir;

  private static final CacheConfig CONFIG = CacheConfig.of(1 << 20, 1000);

  private Path validCache() throws IOException {
    Path path = dir.resolve("c.cache");
    try (SharedCache cache = SharedCache.open(path, CONFIG)) {
      cache.put(TestValues.key(1), TestValues.value(1, 0, 100));
    }
    return path;
  }

  private static String openFailure(Path path) {
    return assertThrows(FileFormatException.class, () -> SharedCache.open(path, CONFIG))
        .getMessage();
  }

  @Test
  void foreignFileIsNotACacheFile() throws Exception {
    Path path = dir.resolve("foreign");
    Files.write(path, "hello, this is not a cache".repeat(500).getBytes());
    assertTrue(openFailure(path).contains("not an mmapkit file"), openFailure(path));
  }

  @Test
  void anotherMmapkitKindIsRefused() throws Exception {
    Path path = dir.resolve("ring");
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw");
        Arena arena = Arena.ofConfined()) {
      MemorySegment header = arena.allocate(FileHeader.SIZE);
      FileHeader.createdNow("RING", 1, 4096).writeTo(header);
      f.write(header.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      f.setLength(1 << 20);
    }
    String message = openFailure(path);
    assertTrue(message.contains("is a 'RING' file, not a 'CACH' file"), message);
  }

  @Test
  void anotherVersionIsRefused() throws Exception {
    Path path = validCache();
    byte[] bytes = Files.readAllBytes(path);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment header = arena.allocate(FileHeader.SIZE);
      new FileHeader("CACH", 2, 0, 1, CacheLayout.of(CONFIG).header().parameters()).writeTo(header);
      System.arraycopy(header.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, bytes, 0, 4096);
    }
    Files.write(path, bytes);
    String message = openFailure(path);
    assertTrue(message.contains("format version 2; this mmapkit reads version 3"), message);
  }

  @Test
  void corruptedHeaderIsRefused() throws Exception {
    Path path = validCache();
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.seek(40); // first layout parameter: the file size
      f.write(0x7F);
    }
    String message = openFailure(path);
    assertTrue(message.contains("checksum"), message);
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    Path path = validCache();
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.setLength(200_000);
    }
    String message = openFailure(path);
    assertTrue(message.contains("file is 200000 bytes but its header says 1048576"), message);
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.setLength(100);
    }
    message = openFailure(path);
    assertTrue(message.contains("shorter than the 4096-byte header"), message);
  }

  @Test
  void damagedIndexIsRepairedNotFollowed() throws Exception {
    Path path = validCache();
    CacheLayout layout = CacheLayout.of(CONFIG);
    long index = layout.segmentOffset(0) + SharedCacheDescriptor.SEG_HEADER_SIZE;
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      // Point every index slot far outside the entry area, with every tag.
      for (int i = 0; i < layout.indexCapacity(); i++) {
        f.seek(index + 8L * i);
        f.writeLong(0x7FFF_FFFF_FFFF_FFF0L + i);
      }
    }
    try (SharedCache cache = SharedCache.open(path, CONFIG)) {
      for (int i = 0; i < 50; i++) cache.get(TestValues.key(i));
      cache.put(TestValues.key(2), TestValues.value(2, 0, 100));
      assertTrue(TestValues.isWhole(2, cache.get(TestValues.key(2))));
    }
  }

  @Test
  void noPermissionIsAccessDenied() throws Exception {
    Path path = validCache();
    if (!ChildJvm.isRoot()) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
      assertThrows(AccessDeniedException.class, () -> SharedCache.open(path, CONFIG));
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process p = ChildJvm.startAsNobody(CacheChild.class, "open", path.toString());
    ChildJvm.Result r = ChildJvm.finish(p, 60);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        r.stdout().contains("FAILED AccessDeniedException: " + path + ": permission denied"),
        r.toString());
  }

  @Test
  void fullShmIsDiskFullAndLeavesNothing() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("shm"), "1m")) {
      if (fs == null) return; // needs root to mount a small tmpfs
      Path path = fs.root().resolve("big.cache");
      var e =
          assertThrows(
              DiskFullException.class, () -> SharedCache.open(path, CacheConfig.of(4 << 20, 1000)));
      assertEquals(path, e.file());
      assertEquals(4 << 20, e.requestedBytes());
      assertTrue(e.getMessage().contains("no space left to reserve 4"), e.getMessage());
      try (var files = Files.list(fs.root())) {
        assertEquals(0, files.count(), "no partial or temporary file left");
      }
      assertFalse(Files.exists(path));
    }
  }
}
