package dev.mmapkit.ipc;

import dev.mmapkit.testkit.ShrinkingFile;
import dev.mmapkit.testkit.ShrunkFile;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM for {@link OpenWhileShrinkingTest}: creates a ring or broadcast file and opens it and
 * reads its stats while the file keeps shrinking ({@link ShrinkingFile}). Arguments: {@code
 * ring|broadcast FILE SIZE}.
 */
public final class OpenWhileShrinkingMain {
  private OpenWhileShrinkingMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[1]);
    List<ShrunkFile.Step> opens;
    if (args[0].equals("ring")) {
      RingBuffers.createManyToOne(path, 64 * 1024).close();
      opens =
          List.of(
              // Only the open: the ring's own operations after it throw InternalError by design.
              () -> RingBuffers.open(path).close(), () -> RingBuffers.readStats(path));
    } else {
      Broadcast.createReliableTransmitter(path, 64 * 1024).close();
      // Opening a receiver joins the receiver table with a compare-and-set, which the interpreter
      // runs unguarded (see MappedAtomics): a shrink right before it kills the JVM, so broadcast
      // files are only read here.
      opens = List.of(() -> Broadcast.readStats(path));
    }
    ShrinkingFile.openWhileShrinking(path, Long.parseLong(args[2]), 2_000, opens);
  }
}
