package dev.mmapkit;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

/** Child JVM for {@link PermissionTest}, run as an unprivileged user. */
public final class PermissionChild {
  private PermissionChild() {}

  public static void main(String[] args) throws Exception {
    try (MappedFile file = MappedFile.open(Path.of(args[0]))) {
      System.out.println("OPENED " + file.size());
      System.exit(3);
    } catch (AccessDeniedException e) {
      System.out.println("DENIED " + e.getMessage());
    }
  }
}
