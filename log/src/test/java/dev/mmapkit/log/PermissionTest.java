package dev.mmapkit.log;

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
 * A log the user may not write is an {@link AccessDeniedException} naming the file. Root may open
 * anything, so as root the check runs in a child JVM as user {@code nobody}.
 */
class PermissionTest {
  @TempDir Path dir;

  @Test
  void aLogTheUserMayNotWriteIsAccessDenied() throws Exception {
    Path log = dir.resolve("log");
    try (AppendLog l = AppendLog.open(log, RecoveryTest.CONFIG)) {
      l.append(new byte[1]);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("r-xr-xr-x"));
    try (var files = Files.list(log)) {
      for (Path f : files.toList()) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
      }
    }
    Path meta = log.resolve(LogMetaDescriptor.FILE_NAME);
    if (!ChildJvm.isRoot()) {
      var e =
          assertThrows(AccessDeniedException.class, () -> AppendLog.open(log, RecoveryTest.CONFIG));
      assertTrue(e.getMessage().contains(meta.toString()), e.getMessage());
      return;
    }
    ChildJvm.Result r =
        ChildJvm.finish(ChildJvm.startAsNobody(PermissionChild.class, log.toString()), 60);
    String out = r.stdout() + r.stderr();
    assertTrue(out.contains("ERROR AccessDeniedException " + meta), out);
  }
}
