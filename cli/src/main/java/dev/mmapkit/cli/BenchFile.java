package dev.mmapkit.cli;

import dev.mmapkit.Bytes;
import dev.mmapkit.MmapkitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The file {@code mmapkit bench} measures: the user's own, or a temporary one it creates and
 * deletes again, on close, on failure and on Ctrl-C (a shutdown hook), so that an interrupted
 * benchmark does not leave a gigabyte behind in the temp directory.
 */
final class BenchFile implements AutoCloseable {
  private static final int BLOCK = 1 << 20;

  private final Path path;
  private final Thread cleanup;

  private BenchFile(Path path, Thread cleanup) {
    this.path = path;
    this.cleanup = cleanup;
  }

  /** The user's file, which is never modified or deleted. */
  static BenchFile existing(Path path) {
    return new BenchFile(path, null);
  }

  /**
   * Creates a file of {@code size} bytes of random (so non-zero, incompressible) data in {@code
   * java.io.tmpdir} and writes it to disk, so that write-back does not run during the measurements.
   *
   * @throws MmapkitException if the temp directory has not enough free space
   */
  static BenchFile temporary(long size, Progress progress) throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    long free = Files.getFileStore(dir).getUsableSpace();
    if (free < size + (64L << 20)) {
      throw new MmapkitException(
          dir,
          "not enough space for a "
              + Bytes.format(size)
              + " test file ("
              + Bytes.format(free)
              + " free); use --size or name a FILE");
    }
    Path path = Files.createTempFile(dir, "mmapkit-bench-", ".bin");
    Thread cleanup = new Thread(() -> deleteQuietly(path), "mmapkit-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    BenchFile file = new BenchFile(path, cleanup);
    try {
      fill(path, size, progress);
      return file;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static void fill(Path path, long size, Progress progress) throws IOException {
    byte[] random = new byte[BLOCK];
    new SplittableRandom(42).nextBytes(random);
    ByteBuffer block = ByteBuffer.allocateDirect(BLOCK).put(random).flip();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      long written = 0;
      while (written < size) {
        block.clear().limit((int) Math.min(BLOCK, size - written));
        while (block.hasRemaining()) written += channel.write(block);
        progress.advance(block.limit());
      }
      channel.force(true);
    }
  }

  /** The file's path. */
  Path path() {
    return path;
  }

  /** Whether the file was created for this benchmark. */
  boolean temporary() {
    return cleanup != null;
  }

  /** Deletes a temporary file; does nothing for the user's file. */
  @Override
  public void close() {
    if (cleanup == null) return;
    deleteQuietly(path);
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook has run or will run, and the file is gone.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      System.err.println("mmapkit: could not delete " + path + ": " + e.getMessage());
    }
  }
}
