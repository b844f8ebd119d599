package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    List<String> command =
        new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    command.addAll(
        ChildJvm.command(PermissionChild.class, ChildJvm.DEFAULT_OPTIONS, log.toString()));
    // nobody cannot read the local Maven repository: give the child copies of the jars
    Path jars = Files.createDirectories(dir.resolve("jars"));
    List<String> classPath = new ArrayList<>();
    for (String entry : ChildJvm.classPath().split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        classPath.add(entry);
        continue;
      }
      Path copy = jars.resolve(classPath.size() + ".jar");
      Files.copy(Path.of(entry), copy);
      classPath.add(copy.toString());
    }
    command.set(command.indexOf("-cp") + 1, String.join(java.io.File.pathSeparator, classPath));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes());
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertTrue(out.contains("ERROR AccessDeniedException " + meta), out);
  }
}
