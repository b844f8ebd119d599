package dev.mmapkit.log;

import java.nio.file.Path;

/** Opens a log and prints the error class and message (run as a user without access). */
public final class PermissionChild {
  private PermissionChild() {}

  public static void main(String[] args) throws Exception {
    try (AppendLog log = AppendLog.open(Path.of(args[0]), RecoveryTest.CONFIG)) {
      System.out.println("OPENED");
    } catch (java.io.IOException e) {
      System.out.println("ERROR " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }
}
