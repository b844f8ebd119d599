package dev.mmapkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MmapkitException;
import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may change a cache file: the mode it is created with, and existing files that are too open.
 */
class OpenChecksTest {
  @TempDir Path dir;

  private static final CacheConfig CONFIG = CacheConfig.of(1 << 20, 1000);

  @Test
  void aNewFileHasTheConfiguredMode() throws Exception {
    Path path = dir.resolve("c.cache");
    SharedCache.open(path, CONFIG).close();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    Path shared = dir.resolve("group.cache");
    var groupMode = PosixFilePermissions.fromString("rw-rw----");
    try (SharedCache cache = SharedCache.open(shared, CONFIG.withFileMode(groupMode))) {
      assertEquals(groupMode, cache.config().fileMode());
    }
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
  }

  @Test
  void aWorldWritableFileIsRefused() throws Exception {
    Path path = dir.resolve("c.cache");
    SharedCache.open(path, CONFIG).close();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
    var e = assertThrows(MmapkitException.class, () -> SharedCache.open(path, CONFIG));
    assertTrue(
        e.getMessage()
            .contains("has mode rw-rw-rw-, more open than the configured fileMode rw-------"),
        e.getMessage());
    // Asking for that sharing explicitly opens it.
    SharedCache.open(path, CONFIG.withFileMode(PosixFilePermissions.fromString("rw-rw-rw-")))
        .close();
  }

  @Test
  void aSymlinkIsFollowedAndTheFileItNamesIsChecked() throws Exception {
    Path real = dir.resolve("real.cache");
    SharedCache.open(real, CONFIG).close();
    Path link = Files.createSymbolicLink(dir.resolve("link.cache"), real);
    try (SharedCache cache = SharedCache.open(link, CONFIG)) {
      cache.put("k".getBytes(), "v".getBytes());
    }
    try (SharedCache cache = SharedCache.open(real, CONFIG)) {
      assertEquals("v", new String(cache.get("k".getBytes())));
    }
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-rw-rw-"));
    var e = assertThrows(MmapkitException.class, () -> SharedCache.open(link, CONFIG));
    assertTrue(e.getMessage().contains("has mode rw-rw-rw-"), e.getMessage());
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("fifo.cache");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    for (var call :
        List.<org.junit.jupiter.api.function.Executable>of(
            () -> SharedCache.open(fifo, CONFIG), () -> SharedCache.readStats(fifo))) {
      var e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10), () -> assertThrows(FileSystemException.class, call));
      assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }
  }

  @Test
  void aFileOthersMayOnlyReadIsOpenedWithAWarning() throws Exception {
    Path path = dir.resolve("c.cache");
    SharedCache.open(path, CONFIG).close();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    SharedCache.open(path, CONFIG).close();
  }

  @Test
  void aFileOfAnotherUserIsRefusedUnlessSharingWasAskedFor() throws Exception {
    if (!ChildJvm.isRoot()) return; // needs root to give a file away (chown)
    Path path = dir.resolve("c.cache");
    SharedCache.open(path, CONFIG).close();
    Files.setAttribute(path, "unix:uid", 65534);
    var e = assertThrows(MmapkitException.class, () -> SharedCache.open(path, CONFIG));
    assertTrue(
        e.getMessage().contains("belongs to uid 65534, not to this process's uid 0"),
        e.getMessage());
    SharedCache.open(path, CONFIG.withFileMode(PosixFilePermissions.fromString("rw-rw----")))
        .close();
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path path = dir.resolve("no-such-dir").resolve("c.cache");
    var e = assertThrows(NoSuchFileException.class, () -> SharedCache.open(path, CONFIG));
    assertTrue(
        e.getMessage().contains("directory " + path.getParent() + " does not exist"),
        e.getMessage());
  }

  @Test
  void aDirectoryWithoutWritePermissionIsAccessDeniedNamingIt() throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Path path = locked.resolve("c.cache");
    if (ChildJvm.isRoot()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
      Process p = ChildJvm.startAsNobody(CacheChild.class, "open", path.toString());
      ChildJvm.Result r = ChildJvm.finish(p, 60);
      assertTrue(
          r.stdout()
              .contains(
                  "FAILED AccessDeniedException: "
                      + path
                      + ": permission denied creating files in "
                      + locked),
          r.toString());
      return;
    }
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    var e = assertThrows(AccessDeniedException.class, () -> SharedCache.open(path, CONFIG));
    assertTrue(
        e.getMessage().contains("permission denied creating files in " + locked), e.getMessage());
  }

  @Test
  void aFileModeThatLocksOutTheOwnerIsABadArgument() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CONFIG.withFileMode(PosixFilePermissions.fromString("r--r--r--")));
  }
}
