package dev.mmapkit.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a cached value was built from: its source file's modification time and size, and a hash of
 * its real path. An entry stored with a stamp is returned by {@link SharedCache#getValidated} only
 * while the file still has the same stamp, so edits and symlink switches (a deploy that points
 * {@code current} at a new release) invalidate it.
 *
 * @param modifiedNanos last modification time, nanoseconds since the epoch
 * @param size size in bytes
 * @param realPathHash hash of the file's real path (symlinks resolved)
 */
public record SourceStamp(long modifiedNanos, long size, long realPathHash) {

  /**
   * The stamp of {@code source} now: one {@code realpath} and one {@code stat}. Take it
   * <em>before</em> reading the file to build the value, so a change while building is caught.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   */
  public static SourceStamp of(Path source) throws IOException {
    Path real = source.toRealPath();
    BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
    return new SourceStamp(
        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
        attributes.size(),
        KeyHash.of(real.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
