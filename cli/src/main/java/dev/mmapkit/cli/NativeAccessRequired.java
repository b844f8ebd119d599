package dev.mmapkit.cli;

import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.NativeAccess;
import java.nio.file.Path;

/**
 * The error for a command that cannot do its job without native calls ({@code mincore}, {@code
 * madvise}): core answers "unsupported" there instead of failing, but for a page-cache tool an
 * answer without the kernel's data would be wrong, so the CLI stops and says why.
 */
final class NativeAccessRequired {
  private NativeAccessRequired() {}

  /**
   * An exception saying that {@code what} on {@code file} needs native access, why it is
   * unavailable, and how to grant it.
   */
  static MmapkitException exception(Path file, String what) {
    String reason =
        NativeAccess.unavailableReason()
            .orElse("native calls are unavailable; start the JVM with " + NativeAccess.ENABLE_FLAG);
    return new MmapkitException(
        file, what + " needs native access: " + reason + " (the ./mmapkit launcher passes it)");
  }
}
