package dev.mmapkit.cli;

import dev.mmapkit.MmapkitException;
import java.nio.file.Path;

/**
 * The error for a command that cannot do its job without native calls ({@code mincore}, {@code
 * madvise}): core answers "unsupported" there instead of failing, but for a page-cache tool an
 * answer without the kernel's data would be wrong, so the CLI stops and names the flag.
 */
final class NativeAccessRequired {
  /** The JVM flag that grants core its native calls. */
  static final String FLAG = "--enable-native-access=dev.mmapkit.core";

  private NativeAccessRequired() {}

  /**
   * An exception saying that {@code what} on {@code file} needs native access, and how to grant it.
   */
  static MmapkitException exception(Path file, String what) {
    return new MmapkitException(
        file,
        what
            + " needs native access, which is unavailable (not Linux, or the JVM was started"
            + " without "
            + FLAG
            + "; the ./mmapkit launcher passes it)");
  }
}
