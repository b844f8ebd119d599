package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.Bytes;
import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates broadcast files and opens receivers on them: one transmitter, any number of receivers in
 * any processes, each at its own pace. Lossy by design: the transmitter never waits, and a receiver
 * that falls more than a ring behind learns it was lapped and resumes at the latest record. See
 * {@link BroadcastDescriptor} for the layout.
 *
 * <p>A broadcast file is created complete under a temporary name and then linked into place, so a
 * receiver never opens a half-written one.
 */
public final class Broadcast {
  private Broadcast() {}

  /** Where broadcast files live unless told otherwise: shared memory that never touches a disk. */
  public static final Path DEFAULT_DIRECTORY = RingBuffers.DEFAULT_DIRECTORY;

  /** {@code name} in {@link #DEFAULT_DIRECTORY}. */
  public static Path defaultPath(String name) {
    return DEFAULT_DIRECTORY.resolve(name);
  }

  /**
   * Creates a broadcast file of {@code capacity} bytes at {@code path}, with its memory reserved,
   * and returns its only transmitter.
   *
   * @throws IllegalArgumentException if the capacity is not a power of two in [4 KiB, 2^40]
   * @throws FileAlreadyExistsException if the file exists
   * @throws DiskFullException if the file system has less usable space than the file needs
   */
  public static BroadcastTransmitter createTransmitter(Path path, long capacity)
      throws IOException {
    checkCapacity(capacity);
    MappedFile file =
        SharedMemoryFile.create(
            path, fileSize(capacity), FileHeader.createdNow(KIND, VERSION, capacity));
    return new BroadcastTransmitter(file, capacity);
  }

  /**
   * Opens a receiver on an existing broadcast file through a read-only mapping. The receiver starts
   * at the latest record: it receives the most recent message (if any) and what follows.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws FileFormatException naming the file and the problem: not a broadcast file, another
   *     layout version, a corrupted header, a truncated file, counters that make no sense
   */
  public static BroadcastReceiver openReceiver(Path path) throws IOException {
    long size = Files.size(path);
    if (size < FileHeader.SIZE) {
      throw new FileFormatException(
          path,
          "file is "
              + size
              + " bytes, shorter than the "
              + FileHeader.SIZE
              + "-byte header: truncated, or not a broadcast file");
    }
    MappedFile file =
        MappedFile.open(
            path,
            MappingOptions.readOnly()
                .withChunkSize(SharedMemoryFile.wholeFileOptions(size).chunkSize()));
    try {
      FileHeader header = FileHeader.readFrom(file.chunk(0), path, KIND, VERSION);
      if (header.parameters().length < 1) {
        throw new FileFormatException(path, "corrupted header: no layout parameters");
      }
      long capacity = header.parameter(CAPACITY_PARAMETER);
      try {
        checkCapacity(capacity);
      } catch (IllegalArgumentException e) {
        throw new FileFormatException(path, "corrupted header: " + e.getMessage());
      }
      if (size < fileSize(capacity)) {
        throw new FileFormatException(
            path,
            "truncated: file is "
                + size
                + " bytes, a broadcast of capacity "
                + Bytes.format(capacity)
                + " needs "
                + fileSize(capacity));
      }
      BroadcastReceiver receiver = new BroadcastReceiver(file, capacity);
      // In this order: the transmitter stores the tail intent before latest and tail, so the
      // intent read last covers both even while a record is being transmitted.
      long latest = receiver.latest();
      long tail = receiver.tail();
      long tailIntent = receiver.tailIntent();
      if (latest < 0
          || tail < 0
          || tailIntent < tail
          || tailIntent < latest
          || ((latest | tail | tailIntent) & (ALIGNMENT - 1)) != 0) {
        throw new FileFormatException(
            path,
            "corrupted counters: latest "
                + latest
                + ", tail "
                + tail
                + ", tail intent "
                + tailIntent);
      }
      return receiver;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }
}
