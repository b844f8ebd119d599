package dev.mmapkit.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A size-limited tmpfs mounted for one test, to fill /dev/shm for real. Needs root. */
record SmallFileSystem(Path root) implements AutoCloseable {

  /** Mounts a tmpfs of {@code size} (e.g. "1m") at {@code root}, or returns null if not root. */
  static SmallFileSystem mount(Path root, String size) throws IOException, InterruptedException {
    if (!ChildJvm.isRoot()) return null;
    Files.createDirectories(root);
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", root.toString());
    return new SmallFileSystem(root);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", root.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
  }
}
