package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedFaults;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * Creates and opens ring buffer files. A ring file is created complete under a temporary name and
 * then linked into place, so another process never opens a half-written one.
 *
 * <p>A process killed while creating a ring leaves no file at the ring's name, but a hidden
 * temporary one ({@code .NAME.PID-START-NAMESPACE-N.new}) holding the ring's reserved memory; the
 * next create of the same name in that directory deletes it, once that process is gone.
 *
 * <p><b>NOTE</b>: a ring file is shared memory, and no process may shrink it while it is mapped
 * (mmapkit never does). If one does, the ring's operations in every process that maps it throw the
 * JDK's {@code InternalError} ("a fault occurred in an unsafe memory access operation"), in
 * compiled code possibly just after the call returned, and the JVM lives on; {@link #open} and
 * {@link #readStats} then report the file as truncated. Rings do not turn that error into {@link
 * dev.mmapkit.MappedFileTruncatedException} as {@link MappedFile}'s accessors do: that costs a call
 * per access, about 9 ns, on a path whose round trip takes 170 ns.
 */
public final class RingBuffers {
  private RingBuffers() {}

  /** Where rings live unless told otherwise: shared memory that never touches a disk. */
  public static final Path DEFAULT_DIRECTORY = Path.of("/dev/shm");

  /** {@code name} in {@link #DEFAULT_DIRECTORY}. */
  public static Path defaultPath(String name) {
    return DEFAULT_DIRECTORY.resolve(name);
  }

  /**
   * Creates a one-to-one ring of {@code capacity} bytes at {@code path}, with its memory reserved.
   *
   * @throws IllegalArgumentException if the capacity is not a power of two in [4 KiB, 2^40]
   * @throws FileAlreadyExistsException if a file or directory is at {@code path}, or another
   *     process created the ring first
   * @throws java.nio.file.NoSuchFileException if the directory it would be in does not exist
   * @throws java.nio.file.AccessDeniedException if this process may not create files there
   * @throws DiskFullException if the file system has less usable space than the ring needs; the
   *     message gives both numbers
   */
  public static OneToOneRingBuffer createOneToOne(Path path, long capacity) throws IOException {
    return (OneToOneRingBuffer) create(path, capacity, ONE_TO_ONE);
  }

  /** As {@link #createOneToOne}, for a many-to-one ring. */
  public static ManyToOneRingBuffer createManyToOne(Path path, long capacity) throws IOException {
    return (ManyToOneRingBuffer) create(path, capacity, MANY_TO_ONE);
  }

  /**
   * Opens an existing ring of either type, validating its header, layout version, capacity and
   * size.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.FileSystemException if {@code path} is a directory
   * @throws java.nio.file.AccessDeniedException if this process may not both read and write the
   *     file
   * @throws FileFormatException naming the file and the problem: not a ring, another layout
   *     version, a corrupted header, a truncated file (also one that another process shrinks while
   *     this opens it), positions that make no sense
   */
  public static RingBuffer open(Path path) throws IOException {
    return open(path, 0, true);
  }

  /**
   * Reads a ring's positions and counters through a read-only mapping, without joining it as a
   * producer or consumer: what monitoring and {@code mmapkit ipc stat} use. Needs read permission
   * only.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.FileSystemException if {@code path} is a directory
   * @throws java.nio.file.AccessDeniedException if this process may not read the file
   * @throws FileFormatException as {@link #open}
   */
  public static RingBufferStats readStats(Path path) throws IOException {
    // Read-only (a raw write would fault) and never handed out, so it can be unmapped at once.
    MappedRingBuffer ring = open(path, 0, false);
    try {
      return MappedFaults.whileOpening(path, "ring", ring.file, ring::stats);
    } finally {
      ring.unmapNow();
    }
  }

  /**
   * Opens an existing one-to-one ring.
   *
   * @throws FileFormatException also if the file is a many-to-one ring
   */
  public static OneToOneRingBuffer openOneToOne(Path path) throws IOException {
    return (OneToOneRingBuffer) open(path, ONE_TO_ONE, true);
  }

  /**
   * Opens an existing many-to-one ring.
   *
   * @throws FileFormatException also if the file is a one-to-one ring
   */
  public static ManyToOneRingBuffer openManyToOne(Path path) throws IOException {
    return (ManyToOneRingBuffer) open(path, MANY_TO_ONE, true);
  }

  private static MappedRingBuffer create(Path path, long capacity, int type) throws IOException {
    checkCapacity(capacity);
    MappedFile file =
        SharedMemoryFile.create(
            path,
            fileSize(capacity),
            FileHeader.createdNow(KIND, VERSION, capacity, type),
            PID_NAMESPACES_OFFSET);
    return ring(file, path, capacity, type);
  }

  private static MappedRingBuffer open(Path path, int expectedType, boolean writable)
      throws IOException {
    return SharedMemoryFile.open(
        path,
        "ring",
        KIND,
        VERSION,
        writable,
        RingBufferDescriptor::checkCapacity,
        RingBufferDescriptor::fileSize,
        opened -> {
          MappedFile file = opened.file();
          long capacity = opened.capacity();
          long type = opened.variant();
          if (type != ONE_TO_ONE && type != MANY_TO_ONE) {
            throw new FileFormatException(path, "corrupted header: unknown ring type " + type);
          }
          if (expectedType != 0 && type != expectedType) {
            throw new FileFormatException(
                path,
                "is a " + typeName(type) + " ring, not a " + typeName(expectedType) + " ring");
          }
          MappedRingBuffer ring = ring(file, path, capacity, (int) type);
          long head = ring.consumerPosition();
          long tail = ring.producerPosition();
          if (head < 0 || tail < head || tail - head > capacity || (head & (ALIGNMENT - 1)) != 0) {
            throw new FileFormatException(
                path, "corrupted positions: consumer at " + head + ", producer at " + tail);
          }
          // Once the file is found good, and before this process's identity is anywhere in it.
          if (writable) PidNamespaces.register(path, file.chunk(0), PID_NAMESPACES_OFFSET);
          return ring;
        });
  }

  private static String typeName(long type) {
    return type == ONE_TO_ONE ? "one-to-one" : "many-to-one";
  }

  private static MappedRingBuffer ring(MappedFile file, Path path, long capacity, int type) {
    // The path the caller named: a created file was mapped under a temporary name.
    Path absolute = path.toAbsolutePath();
    return type == ONE_TO_ONE
        ? new OneToOneRingBuffer(file, absolute, capacity)
        : new ManyToOneRingBuffer(file, absolute, capacity);
  }
}
