package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the user may not open gives {@link AccessDeniedException} naming it. Root may open
 * anything, so as root the check runs in a child JVM as user {@code nobody}.
 */
class PermissionTest {
  @TempDir Path dir;

  @Test
  void unreadableFileIsAccessDenied() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("secret"), 100);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
    if (!ChildJvm.isRoot()) {
      var e = assertThrows(AccessDeniedException.class, () -> MappedFile.open(path));
      assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process p = ChildJvm.startAsNobody(PermissionChild.class, path.toString());
    ChildJvm.Result r = ChildJvm.finish(p, 60);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        r.stdout().contains("DENIED " + path + ": permission denied opening it read-only"),
        r.toString());
  }
}
