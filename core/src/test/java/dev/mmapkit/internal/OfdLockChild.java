package dev.mmapkit.internal;

import java.nio.file.Path;

/** Child JVM of {@link OfdLockTest}: "hold FILE OFFSET" or "check FILE OFFSET". */
public final class OfdLockChild {
  private OfdLockChild() {}

  public static void main(String[] args) throws Exception {
    NativeAccess access = NativeAccess.get().orElseThrow();
    int fd = access.open(Path.of(args[1]), true);
    long offset = Long.parseLong(args[2]);
    switch (args[0]) {
      case "hold" -> {
        System.out.println(access.tryLockRange(fd, offset, 1) ? "LOCKED" : "BUSY");
        System.out.flush();
        Thread.sleep(60_000);
      }
      case "check" -> System.out.println("HELD " + access.isRangeLockedByOther(fd, offset, 1));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
